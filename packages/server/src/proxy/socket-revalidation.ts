// The safety net behind revocation notices (identity.md §15): every few seconds the credentials
// behind this replica's open sockets are checked again in two batched queries — revoked or deleted
// sessions and tokens, expired tokens, sessions past their absolute lifetime (with the current
// settings), locked, suspended or deleted users. An open socket is activity, so the idle timeout
// does not end it.
import type { MfaState } from '../access/principal.js';
import type { Database } from '../db/database.js';
import { sessionDeadlines } from '../identity/sessions/session-validation.js';
import type { Clock } from '../lib/clock.js';
import type { SettingValues } from '../settings/catalogue.js';
import type { TerminateReason, TrackedSocket } from './socket-registry.js';

interface Row extends Record<string, unknown> {
  id: string;
  revoked: boolean;
  expired: boolean;
  locked: boolean;
  suspended: boolean;
  user_uid: string | null;
}

interface SessionRow extends Row {
  channel: 'web' | 'cli';
  mfa_state: MfaState;
  created_at: Date | string;
  last_seen_at: Date | string;
}

function reasonOf(row: Row | undefined, gone: TerminateReason): TerminateReason | null {
  if (row === undefined) return gone;
  if (row.user_uid === null) return 'user_deleted';
  if (row.revoked || row.expired) return gone;
  if (row.locked) return 'user_locked';
  if (row.suspended) return 'user_suspended';
  return null;
}

function pastLifetime(row: SessionRow, settings: SettingValues, now: Date): boolean {
  const session = {
    channel: row.channel,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
  };
  return now >= sessionDeadlines(session, row.mfa_state, settings).absoluteExpiresAt;
}

async function sessionRows(db: Database, ids: string[]): Promise<SessionRow[]> {
  if (ids.length === 0) return [];
  return db.query<SessionRow>(
    `SELECT s.uid AS id, s.revoked_at IS NOT NULL AS revoked, false AS expired,
       u.locked_at IS NOT NULL AS locked, u.suspended_at IS NOT NULL AS suspended, u.uid AS user_uid,
       s.channel, s.mfa_state, s.created_at, s.last_seen_at
     FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.uid = ANY($1::uuid[])`,
    [ids],
  );
}

async function tokenRows(db: Database, ids: string[], now: Date): Promise<Row[]> {
  if (ids.length === 0) return [];
  return db.query<Row>(
    `SELECT t.uid AS id, false AS revoked, (t.expires_at IS NOT NULL AND t.expires_at <= $2) AS expired,
       u.locked_at IS NOT NULL AS locked, u.suspended_at IS NOT NULL AS suspended, u.uid AS user_uid
     FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_user_id WHERE t.uid = ANY($1::uuid[])`,
    [ids, now],
  );
}

export function createSocketRevalidation(
  db: Database,
  clock: Clock,
  settings: () => Promise<SettingValues>,
) {
  return async (
    sockets: readonly TrackedSocket[],
  ): Promise<Map<TrackedSocket, TerminateReason>> => {
    const now = clock.now();
    const current = await settings();
    const sessions = await sessionRows(
      db,
      sockets.flatMap((s) => (s.sessionId ? [s.sessionId] : [])),
    );
    const tokens = await tokenRows(
      db,
      sockets.flatMap((s) => (s.tokenId ? [s.tokenId] : [])),
      now,
    );
    for (const row of sessions) row.expired = pastLifetime(row, current, now);
    const invalid = new Map<TrackedSocket, TerminateReason>();
    for (const socket of sockets) {
      const reason = socket.sessionId
        ? reasonOf(
            sessions.find((r) => r.id === socket.sessionId),
            'session_revoked',
          )
        : reasonOf(
            tokens.find((r) => r.id === socket.tokenId),
            'token_revoked',
          );
      if (reason !== null) invalid.set(socket, reason);
    }
    return invalid;
  };
}
