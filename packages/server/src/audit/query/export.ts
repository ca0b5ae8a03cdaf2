// Streaming exports (audit.md §12): CSV (RFC 4180) or JSON Lines, raw or aggregated, read from the
// database in keyset batches of 1000 (oldest first) with no row cap and constant memory. Raw JSON
// Lines carry every hashed field verbatim (details as the stored text), so an export can be
// verified offline with the key.
import type { SqlRunner } from '../../db/database.js';
import { compactUtc } from '../anchors/anchor-payload.js';
import { HASHED_FIELDS, microsToIso } from '../chain/event-fields.js';
import { eventSelect } from '../store/event-rows.js';
import { csvLine } from './csv.js';
import { type AuditFilter, type AuditView, filterSql, rangeStart } from './filters.js';
import {
  AGGREGATED_SELECT,
  OUTCOME_UNKNOWN_SQL,
  presentAggregated,
  type RawRow,
  rawRow,
} from './present.js';

export type ExportFormat = 'csv' | 'jsonl';
export const EXPORT_BATCH = 1000;

export interface ExportRequest {
  readonly chainId: string;
  readonly filter: AuditFilter;
  readonly view: AuditView;
  readonly format: ExportFormat;
  readonly now: Date;
  readonly batchSize?: number;
}

export function exportFileName(chainId: string, format: ExportFormat, now: Date): string {
  return `audit-${chainId}-${compactUtc(now)}.${format}`;
}

/**
 * Every hashed field, verbatim: hashes in hex, timestamps exact, details as stored text; then the
 * derived `outcome_unknown` (not hashed; an offline verifier ignores it).
 */
export function verbatimEvent(row: RawRow): Record<string, unknown> {
  const e = row.event;
  const out: Record<string, unknown> = {};
  for (const [name, kind, column] of HASHED_FIELDS) {
    const v = e[name];
    if (kind === 'bytes') out[column] = (v as Buffer).toString('hex');
    else if (kind === 'time') out[column] = microsToIso(v as number);
    else out[column] = v;
  }
  out.event_hash = e.eventHash.toString('hex');
  out.outcome_unknown = row.outcomeUnknown;
  return out;
}

const RAW_COLUMNS = [...HASHED_FIELDS.map(([, , c]) => c), 'event_hash', 'outcome_unknown'];
const AGGREGATED_COLUMNS = [
  'id',
  'first_seq',
  'last_seq',
  'first_seen',
  'last_seen',
  'event_count',
  'min_response_ms',
  'max_response_ms',
  'avg_response_ms',
  'user_email',
  'user_name',
  'api_token_id',
  'api_token_name',
  'channel',
  'action_type',
  'action',
  'resource',
  'resource_type',
  'status',
  'outcome_unknown',
  'rbac_decision',
  'http_status',
  'ip_address',
  'user_agent',
  'command',
  'details',
  'deploy_approval_id',
  'terminal_session_id',
  'exit_code',
  'duration_ms',
];

function renderer(req: ExportRequest): {
  header: string;
  line: (r: Record<string, unknown>) => string;
} {
  const shape = (r: Record<string, unknown>): Record<string, unknown> =>
    req.view === 'raw' ? verbatimEvent(rawRow(r)) : presentAggregated(r);
  if (req.format === 'jsonl') return { header: '', line: (r) => `${JSON.stringify(shape(r))}\n` };
  const columns = req.view === 'raw' ? RAW_COLUMNS : AGGREGATED_COLUMNS;
  return {
    header: csvLine(columns),
    line: (r) => {
      const o = shape(r);
      return csvLine(
        columns.map((c) =>
          typeof o[c] === 'object' && o[c] !== null ? JSON.stringify(o[c]) : o[c],
        ),
      );
    },
  };
}

/** Yields the export chunk by chunk; `onDone` receives the row count. */
export async function* exportAudit(
  db: SqlRunner,
  req: ExportRequest,
  onDone: (rows: number) => void,
): AsyncGenerator<string> {
  const where = filterSql(req.filter, req.view, rangeStart(req.filter, req.now), req.chainId);
  const key = req.view === 'raw' ? 't.seq' : 't.last_seq';
  const table = req.view === 'raw' ? 'audit.audit_event' : 'audit.audit_event_aggregated';
  const select =
    req.view === 'raw' ? `${eventSelect('t')}, ${OUTCOME_UNKNOWN_SQL}` : AGGREGATED_SELECT;
  const size = req.batchSize ?? EXPORT_BATCH;
  const { header, line } = renderer(req);
  if (header !== '') yield header;
  let after = 0;
  let rows = 0;
  for (;;) {
    const params = [...where.params, after, size];
    const batch = await db.query(
      `SELECT ${select} FROM ${table} t WHERE ${where.sql} AND ${key} > $${params.length - 1}
       ORDER BY ${key} LIMIT $${params.length}`,
      params,
    );
    if (batch.length === 0) break;
    yield batch.map(line).join('');
    rows += batch.length;
    after = Number(batch[batch.length - 1]?.[req.view === 'raw' ? 'seq' : 'last_seq']);
    if (batch.length < size) break;
  }
  onDone(rows);
}
