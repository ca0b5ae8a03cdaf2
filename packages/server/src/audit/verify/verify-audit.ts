// `audit verify` as a function (audit.md §15): the head witness, the chain walk, then the anchors,
// merged into one report naming the first break, plus a warning when the connected role could have
// bypassed the protections itself. Exit codes: 0 intact, 1 tampering or truncation, 3 inconclusive
// (a key is missing; database or S3 unreachable is reported by the caller as 3 too).
import type { SqlRunner } from '../../db/database.js';
import { type AuditRoleCheck, auditRoleCheck } from '../../db/role-check.js';
import type { AnchorBucket } from '../anchors/anchor-bucket.js';
import { ledgerAnchors } from '../anchors/anchor-ledger.js';
import { readHeadState } from '../chain/head-witness.js';
import type { AuditKeyring } from '../chain/keys.js';
import { type AnchorCheck, verifyAnchors } from './verify-anchors.js';
import { type ArchiveWalk, walkArchives } from './verify-archives.js';
import { type ChainBreak, type ChainWalk, walkChain } from './verify-chain.js';
import { witnessBreak } from './verify-head.js';

export interface VerifyOptions {
  readonly db: SqlRunner;
  readonly chainId: string;
  readonly keyring: AuditKeyring;
  readonly from?: number;
  readonly to?: number;
  readonly anchors: {
    readonly bucket: AnchorBucket;
    readonly prefix: string;
    readonly retentionDays: number;
  } | null;
  readonly now: Date;
  /** The database is embedded PGlite (its only session is a superuser). */
  readonly embedded?: boolean;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly chain_id: string;
  readonly checked_events: number;
  /** Events archived to the bucket and dropped from the database (null: none). */
  readonly archived: {
    readonly segments: number;
    readonly to_seq: number;
    readonly checked_events: number;
  } | null;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** What audit.chain_head records (null when it holds nothing for this chain). */
  readonly witness: { readonly seq: number; readonly hash: string } | null;
  readonly first_break: {
    readonly seq: number;
    readonly reason: string;
    readonly detail: string;
  } | null;
  readonly anchors: {
    readonly checked: number;
    readonly latest_seq: number | null;
    readonly mismatches: number;
    readonly truncated: boolean;
  } | null;
  readonly inconclusive: string | null;
  readonly database_role: AuditRoleCheck;
  readonly warnings: readonly string[];
}

export const VERIFY_EXIT = { ok: 0, broken: 1, usage: 2, inconclusive: 3 } as const;

async function dbHeadSeq(db: SqlRunner, chainId: string): Promise<number> {
  const rows = await db.query<{ s: string | null }>(
    'SELECT max(seq)::text AS s FROM audit.audit_event WHERE chain_id = $1',
    [chainId],
  );
  return Number(rows[0]?.s ?? 0);
}

interface Walks {
  readonly archive: ArchiveWalk;
  readonly db: ChainWalk;
}

/** The archived segments (when the walk starts inside them), then the database. */
async function walkEverything(o: VerifyOptions): Promise<Walks> {
  const from = Math.max(1, o.from ?? 1);
  const wanted =
    o.anchors === null
      ? new Set<number>()
      : new Set((await ledgerAnchors(o.db, o.chainId)).map((a) => a.seq));
  const archive = await walkArchives({
    db: o.db,
    bucket: o.anchors?.bucket ?? null,
    chainId: o.chainId,
    keyring: o.keyring,
    wanted,
    from,
  });
  if (archive.firstBreak !== null) {
    const db = { checkedEvents: 0, head: null, firstBreak: null };
    return { archive, db };
  }
  const inside = archive.archivedTo > 0 && from <= archive.archivedTo + 1;
  const db = await walkChain(
    o.db,
    inside ? { ...o, from: archive.archivedTo + 1, after: archive.end } : o,
  );
  return { archive, db };
}

const archivedOf = (a: ArchiveWalk): VerifyReport['archived'] =>
  a.segments === 0
    ? null
    : { segments: a.segments, to_seq: a.archivedTo, checked_events: a.checkedEvents };

export async function verifyAudit(o: VerifyOptions): Promise<VerifyReport> {
  const role = await auditRoleCheck(o.db, o.embedded ?? false);
  const state = await readHeadState(o.db, o.chainId);
  const { archive, db: walk } = await walkEverything(o);
  let anchors: AnchorCheck | null = null;
  if (o.anchors !== null) {
    anchors = await verifyAnchors({
      db: o.db,
      bucket: o.anchors.bucket,
      chainId: o.chainId,
      prefix: o.anchors.prefix,
      retentionDays: o.anchors.retentionDays,
      headSeq: await dbHeadSeq(o.db, o.chainId),
      now: o.now,
      archived: { to: archive.archivedTo, hashes: archive.walked ? archive.hashesAt : null },
    });
  }
  const headBreak = witnessBreak(state, o.to ?? Number.MAX_SAFE_INTEGER);
  const breaks = [
    archive.firstBreak,
    walk.firstBreak,
    headBreak,
    anchors?.firstBreak ?? null,
  ].filter((b): b is ChainBreak => b !== null);
  const first = breaks.sort((a, b) => a.seq - b.seq)[0] ?? null;
  return {
    ok: first === null,
    chain_id: o.chainId,
    checked_events: archive.checkedEvents + walk.checkedEvents,
    archived: archivedOf(archive),
    head: walk.head,
    witness:
      state.witness === null
        ? null
        : { seq: state.witness.seq, hash: state.witness.eventHash.toString('hex') },
    first_break:
      first === null ? null : { seq: first.seq, reason: first.reason, detail: first.detail },
    anchors:
      anchors === null
        ? null
        : {
            checked: anchors.checked,
            latest_seq: anchors.latestSeq,
            mismatches: anchors.mismatches,
            truncated: anchors.truncated,
          },
    inconclusive: first?.reason === 'unknown_key' ? first.detail : archive.unreadable,
    database_role: role,
    warnings: role.warning === null ? [] : [role.warning],
  };
}

export function verifyExitCode(report: VerifyReport): number {
  if (report.inconclusive !== null) return VERIFY_EXIT.inconclusive;
  return report.ok ? VERIFY_EXIT.ok : VERIFY_EXIT.broken;
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [
    `audit chain ${r.chain_id}: ${r.ok ? 'INTACT' : r.inconclusive !== null ? 'INCONCLUSIVE' : 'BROKEN'}`,
    `  events checked: ${r.checked_events}`,
    `  archived: ${r.archived === null ? '(nothing)' : `seq 1–${r.archived.to_seq} in ${r.archived.segments} segments, ${r.archived.checked_events} events read back`}`,
    `  head: ${r.head === null ? '(empty)' : `seq ${r.head.seq} ${r.head.hash}`}`,
    `  head witness: ${r.witness === null ? '(none)' : `seq ${r.witness.seq} ${r.witness.hash}`}`,
  ];
  if (r.anchors === null) lines.push('  anchors: not checked');
  else {
    lines.push(
      `  anchors checked: ${r.anchors.checked}, latest seq ${r.anchors.latest_seq ?? '-'}, ` +
        `mismatches ${r.anchors.mismatches}${r.anchors.truncated ? ', TRUNCATED' : ''}`,
    );
  }
  if (r.first_break !== null) {
    lines.push(
      `  first break: seq ${r.first_break.seq} (${r.first_break.reason}): ${r.first_break.detail}`,
    );
  }
  for (const w of r.warnings) lines.push(`  WARNING: ${w}`);
  return lines.join('\n');
}
