// Opaque pagination cursors (audit.md §12): base64url of the last sequence, the resolved lower time
// bound, and a hash of the filters; a cursor reused with other filters is a 400.
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../http/errors.js';
import type { AuditFilter, AuditView } from './filters.js';

export interface CursorState {
  /** Items continue below this sequence (`seq` raw, `last_seq` aggregated). */
  readonly before: number;
  /** Lower time bound resolved on the first page (ms since epoch), or null. */
  readonly since: number | null;
}

export function filterHash(filter: AuditFilter, view: AuditView, scope: string): string {
  const canonical = JSON.stringify([view, scope, Object.entries(filter).sort()]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(state: CursorState, hash: string): string {
  return Buffer.from(JSON.stringify({ b: state.before, s: state.since, h: hash })).toString(
    'base64url',
  );
}

const invalid = (): BadRequestError =>
  new BadRequestError(
    'invalid_cursor',
    'The cursor is invalid or belongs to other filters; start from the first page.',
  );

export function decodeCursor(cursor: string, hash: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const c = parsed as { b?: unknown; s?: unknown; h?: unknown };
  if (typeof c.b !== 'number' || c.h !== hash || !(c.s === null || typeof c.s === 'number'))
    throw invalid();
  return { before: c.b, since: c.s };
}
