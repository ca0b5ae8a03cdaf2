// Folding rule of the aggregated view (audit.md §9), as a pure plan: an event joins the most recent
// row of the same actor when every grouping field is equal and it is at most 15 minutes after that
// row's last event; otherwise a new row starts. process.exec.close folds into the row of its
// process.exec.open (same terminal session), giving that row its duration, exit code and status.
// A mutation's attempt (audit.md §6) always starts a row of its own, shown while it is pending as
// "outcome unknown"; the outcome that names it (`details.attempt_seq`) takes that row over, so a
// completed mutation is one row with the outcome's fields, counting both events.
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../chain/event-fields.js';

export const FOLD_WINDOW_US = 15 * 60 * 1_000_000;

/** One row of the view being built or extended by this batch. */
export interface FoldRow {
  /** Storage id of an existing row; null for a row this batch creates. */
  readonly id: number | null;
  readonly actorKey: string;
  groupKey: string;
  /**
   * The event whose grouping fields the row shows: the first of a new row, the outcome that took
   * over an attempt row; null for other existing rows.
   */
  first: StoredEvent | null;
  /** An existing attempt row taken over by its outcome: every grouping field is rewritten. */
  replace: boolean;
  /** Where a new row starts (its attempt, when an outcome took it over); unused for existing rows. */
  readonly firstSeq: number;
  readonly firstSeenUs: number;
  lastSeq: number;
  lastSeenUs: number;
  addCount: number;
  min: number | null;
  max: number | null;
  addSum: number;
  closeStatus: string | null;
  exitCode: number | null;
  durationMs: number | null;
  touched: boolean;
}

export interface LatestRow {
  readonly id: number;
  readonly actorKey: string;
  readonly groupKey: string;
  readonly lastSeq: number;
  readonly lastSeenUs: number;
}

export function actorKey(e: Pick<StoredEvent, 'userEmail' | 'apiTokenId' | 'channel'>): string {
  return `${e.userEmail.toLowerCase()}|${e.apiTokenId ?? ''}|${e.channel}`;
}

export function groupKey(e: StoredEvent): string {
  const fields = [
    e.userEmail,
    e.apiTokenId,
    e.channel,
    e.actionType,
    e.action,
    e.resource,
    e.resourceType,
    e.status,
    e.rbacDecision,
    e.httpStatus,
    e.ipAddress,
    e.userAgent,
    e.command,
    e.details,
    e.deployApprovalId,
    e.action === 'process.exec.open' ? e.terminalSessionId : null,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export function existingRow(r: LatestRow): FoldRow {
  return {
    id: r.id,
    actorKey: r.actorKey,
    groupKey: r.groupKey,
    first: null,
    replace: false,
    firstSeq: r.lastSeq,
    firstSeenUs: r.lastSeenUs,
    lastSeq: r.lastSeq,
    lastSeenUs: r.lastSeenUs,
    addCount: 0,
    min: null,
    max: null,
    addSum: 0,
    closeStatus: null,
    exitCode: null,
    durationMs: null,
    touched: false,
  };
}

function newRow(e: StoredEvent): FoldRow {
  return {
    ...existingRow({
      id: 0,
      actorKey: actorKey(e),
      groupKey: groupKey(e),
      lastSeq: e.seq,
      lastSeenUs: e.tsUs,
    }),
    id: null,
    first: e,
    addCount: 1,
    min: e.responseTimeMs,
    max: e.responseTimeMs,
    addSum: e.responseTimeMs,
    touched: true,
  };
}

function addEvent(row: FoldRow, e: StoredEvent): void {
  row.addCount += 1;
  row.min = row.min === null ? e.responseTimeMs : Math.min(row.min, e.responseTimeMs);
  row.max = row.max === null ? e.responseTimeMs : Math.max(row.max, e.responseTimeMs);
  row.addSum += e.responseTimeMs;
  row.lastSeq = e.seq;
  row.lastSeenUs = e.tsUs;
  row.touched = true;
}

function numberField(details: string, key: string): number | null {
  try {
    const value = (JSON.parse(details) as Record<string, unknown>)[key];
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}

function addClose(row: FoldRow, e: StoredEvent): void {
  row.addCount += 1;
  row.lastSeq = e.seq;
  row.lastSeenUs = e.tsUs;
  row.closeStatus = e.status;
  row.exitCode = numberField(e.details, 'exit_code');
  row.durationMs = numberField(e.details, 'duration_ms');
  row.touched = true;
}

/** The outcome takes over its attempt's row; the attempt's zero response time is not kept. */
function takeOver(row: FoldRow, e: StoredEvent): void {
  row.first = e;
  row.groupKey = groupKey(e);
  row.replace = row.id !== null;
  row.addCount += 1;
  row.min = e.responseTimeMs;
  row.max = e.responseTimeMs;
  row.addSum = e.responseTimeMs;
  row.lastSeq = e.seq;
  row.lastSeenUs = e.tsUs;
  row.touched = true;
}

/** The attempt an outcome names (`details.attempt_seq`), or null. */
export function attemptSeqOf(e: Pick<StoredEvent, 'status' | 'details'>): number | null {
  // The substring test keeps JSON parsing off the hot path of ordinary events.
  if (e.status === 'attempt' || !e.details.includes('"attempt_seq"')) return null;
  return numberField(e.details, 'attempt_seq');
}

export interface FoldState {
  /** Most recent row per actor key (pending attempt rows never are). */
  readonly latest: Map<string, FoldRow>;
  /** Exec rows by terminal session id. */
  readonly exec: Map<string, FoldRow>;
  /** Pending attempt rows by the attempt's sequence number. */
  readonly attempts: Map<number, FoldRow>;
}

/** Attempts start their own row; an outcome takes over its attempt's row. False: fold normally. */
function foldAttempt(e: StoredEvent, state: FoldState, rows: Set<FoldRow>): boolean {
  if (e.status === 'attempt') {
    const row = newRow(e);
    rows.add(row);
    state.attempts.set(e.seq, row);
    return true;
  }
  const attemptSeq = attemptSeqOf(e);
  const row = attemptSeq === null ? undefined : state.attempts.get(attemptSeq);
  if (row === undefined || attemptSeq === null) return false;
  takeOver(row, e);
  state.attempts.delete(attemptSeq);
  state.latest.set(row.actorKey, row);
  if (e.action === 'process.exec.open' && e.terminalSessionId !== null) {
    state.exec.set(e.terminalSessionId, row);
  }
  return true;
}

/** Applies `events` (in seq order) to `state`; returns every row created or changed. */
export function planFold(events: readonly StoredEvent[], state: FoldState): FoldRow[] {
  const rows = new Set<FoldRow>([
    ...state.latest.values(),
    ...state.exec.values(),
    ...state.attempts.values(),
  ]);
  for (const e of events) {
    if (foldAttempt(e, state, rows)) continue;
    const execRow =
      e.action === 'process.exec.close' && e.terminalSessionId !== null
        ? state.exec.get(e.terminalSessionId)
        : undefined;
    if (execRow !== undefined) {
      addClose(execRow, e);
      state.latest.set(execRow.actorKey, execRow);
      continue;
    }
    const ak = actorKey(e);
    const current = state.latest.get(ak);
    if (
      current !== undefined &&
      current.groupKey === groupKey(e) &&
      e.tsUs - current.lastSeenUs <= FOLD_WINDOW_US
    ) {
      addEvent(current, e);
      continue;
    }
    const row = newRow(e);
    rows.add(row);
    state.latest.set(ak, row);
    if (e.action === 'process.exec.open' && e.terminalSessionId !== null) {
      state.exec.set(e.terminalSessionId, row);
    }
  }
  return [...rows].filter((r) => r.touched);
}
