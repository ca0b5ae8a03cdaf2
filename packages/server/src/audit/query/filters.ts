// Audit query filters (audit.md §12): parsed once from the query string into a typed filter, then
// turned into SQL for the raw events (time column `ts`) or the aggregated view (`last_seen`).
// Unknown enum values, malformed timestamps (impossible dates, or instants outside the years
// 0001-9999 PostgreSQL stores) and end < start are 400s naming the parameter.
import { BadRequestError } from '../../http/errors.js';
import { ACTION_TYPES, RESOURCE_TYPES, STATUSES } from '../catalogue.js';

export type AuditView = 'raw' | 'aggregated';

export interface AuditFilter {
  readonly user?: string;
  readonly userId?: string;
  readonly apiTokenId?: string;
  readonly statuses?: readonly string[];
  readonly actionType?: string;
  readonly action?: string;
  readonly resourceType?: string;
  readonly resource?: string;
  readonly ip?: string;
  readonly deployApprovalId?: string;
  readonly search?: string;
  /** A relative range token (`24h`…) or `custom` when start/end were given. */
  readonly range: string;
  readonly start?: Date;
  readonly end?: Date;
}

export type QueryParams = Readonly<Record<string, string | undefined>>;

const RANGES: Readonly<Record<string, number | null>> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  all: null,
};

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/i;
/** The instants whose `toISOString()` PostgreSQL accepts (year 0000 and 5+ digit years it refuses). */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const bad = (field: string, rule: string): BadRequestError =>
  new BadRequestError('invalid_filter', `Invalid ${field}: ${rule}.`, { field });

function text(params: QueryParams, key: string): string | undefined {
  const v = params[key]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function enumValue(
  params: QueryParams,
  key: string,
  allowed: readonly string[],
): string | undefined {
  const v = text(params, key);
  if (v === undefined || v === 'all') return undefined;
  if (!allowed.includes(v)) throw bad(key, `must be one of ${allowed.join(', ')}`);
  return v;
}

function uuid(params: QueryParams, key: string): string | undefined {
  const v = text(params, key);
  if (v !== undefined && !UUID.test(v)) throw bad(key, 'must be a UUID');
  return v?.toLowerCase();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const leap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Every field within its calendar range (JS `Date` would roll 2024-02-30 over to March). */
function fieldsValid(m: RegExpExecArray): boolean {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map(Number);
  const [offsetHours = 0, offsetMinutes = 0] = m.slice(8, 10).map((v) => Number(v ?? '0'));
  const days = month === 2 && leap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  const within = (v: number, max: number): boolean => v >= 0 && v < max;
  return (
    day >= 1 &&
    day <= days &&
    within(hour, 24) &&
    within(minute, 60) &&
    within(second, 60) &&
    within(offsetHours, 24) &&
    within(offsetMinutes, 60)
  );
}

function time(params: QueryParams, key: string): Date | undefined {
  const v = text(params, key);
  if (v === undefined) return undefined;
  const m = RFC3339.exec(v);
  const d = new Date(v);
  if (m === null || !fieldsValid(m) || Number.isNaN(d.getTime()))
    throw bad(key, 'must be an RFC 3339 timestamp with Z or an explicit offset, years 0001-9999');
  if (d.getTime() < EARLIEST || d.getTime() > LATEST)
    throw bad(key, 'must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
  return d;
}

function statuses(params: QueryParams): string[] | undefined {
  const v = text(params, 'status');
  if (v === undefined || v === 'all') return undefined;
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list)
    if (!(STATUSES as readonly string[]).includes(s)) throw bad('status', `unknown status "${s}"`);
  return list.length === 0 ? undefined : list;
}

function rangeOf(params: QueryParams, start?: Date, end?: Date): string {
  if (start !== undefined || end !== undefined) {
    if (start !== undefined && end !== undefined && end < start)
      throw bad('end', 'must not be before start');
    return 'custom';
  }
  const r = text(params, 'range') ?? '24h';
  if (!(r in RANGES)) throw bad('range', `must be one of ${Object.keys(RANGES).join(', ')}`);
  return r;
}

export function parseFilter(params: QueryParams): AuditFilter {
  const start = time(params, 'start');
  const end = time(params, 'end');
  const action = text(params, 'action');
  if (action !== undefined && !/^[a-z_.]{1,150}$/.test(action))
    throw bad('action', 'must be an action name or a prefix ending in "."');
  const entries: [keyof AuditFilter, unknown][] = [
    ['user', text(params, 'user')?.toLowerCase()],
    ['userId', uuid(params, 'user_id')],
    ['apiTokenId', uuid(params, 'api_token_id')],
    ['statuses', statuses(params)],
    ['actionType', enumValue(params, 'action_type', ACTION_TYPES)],
    ['action', action],
    ['resourceType', enumValue(params, 'resource_type', RESOURCE_TYPES)],
    ['resource', text(params, 'resource')],
    ['ip', text(params, 'ip')],
    ['deployApprovalId', uuid(params, 'deploy_approval_id')],
    ['search', text(params, 'search')?.slice(0, 200)],
    ['range', rangeOf(params, start, end)],
    ['start', start],
    ['end', end],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as unknown as AuditFilter;
}

/** The lower time bound of a relative range at `now` (null: unbounded). */
export function rangeStart(filter: AuditFilter, now: Date): Date | null {
  if (filter.range === 'custom') return filter.start ?? null;
  const span = RANGES[filter.range];
  return span === null || span === undefined ? null : new Date(now.getTime() - span);
}

export interface SqlWhere {
  readonly sql: string;
  readonly params: unknown[];
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The searched text: the columns joined by spaces (all NOT NULL, so `||` gives what concat_ws
 * did). Written exactly as the trigram indexes of migration 0008 are, on both tables, so the
 * planner answers `search` from the index instead of reading every row.
 */
export const SEARCH_TEXT = `(t.user_email || ' ' || t.user_name || ' ' || t.api_token_name || ' ' || t.action || ' ' || t.resource || ' ' || t.command || ' ' || t.details || ' ' || t.user_agent || ' ' || t.ip_address)`;

/** WHERE clause for alias `t` (raw: audit_event, aggregated: audit_event_aggregated). */
export function filterSql(
  filter: AuditFilter,
  view: AuditView,
  since: Date | null,
  chainId: string,
): SqlWhere {
  const timeCol = view === 'raw' ? 't.ts' : 't.last_seen';
  const prefix = filter.action?.endsWith('.') === true;
  const clauses: [unknown, (p: string) => string][] = [
    [filter.user, (p) => `lower(t.user_email) = ${p}`],
    [filter.userId, (p) => `t.user_id = ${p}::uuid`],
    [filter.apiTokenId, (p) => `t.api_token_id = ${p}::uuid`],
    [filter.statuses, (p) => `t.status = ANY(${p}::text[])`],
    [filter.actionType, (p) => `t.action_type = ${p}`],
    [
      prefix ? `${escapeLike(filter.action ?? '')}%` : filter.action,
      (p) => (prefix ? `t.action LIKE ${p}` : `t.action = ${p}`),
    ],
    [filter.resourceType, (p) => `t.resource_type = ${p}`],
    [filter.resource, (p) => `t.resource = ${p}`],
    [filter.ip, (p) => `t.ip_address = ${p}`],
    [filter.deployApprovalId, (p) => `t.deploy_approval_id = ${p}::uuid`],
    [
      filter.search === undefined ? undefined : `%${escapeLike(filter.search)}%`,
      (p) => `${SEARCH_TEXT} ILIKE ${p}`,
    ],
    [since?.toISOString(), (p) => `${timeCol} >= ${p}::timestamptz`],
    [filter.end?.toISOString(), (p) => `${timeCol} <= ${p}::timestamptz`],
  ];
  const params: unknown[] = [chainId];
  const where = ['t.chain_id = $1'];
  for (const [value, clause] of clauses) {
    if (value === undefined) continue;
    params.push(value);
    where.push(clause(`$${params.length}`));
  }
  return { sql: where.join(' AND '), params };
}
