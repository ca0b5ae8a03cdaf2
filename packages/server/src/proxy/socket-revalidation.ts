// The safety net behind revocation notices (identity.md §15): every few seconds the credentials
// behind this replica's open sockets are checked again in two batched queries.
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { TerminateReason, TrackedSocket } from './socket-registry.js';

interface Row extends Record<string, unknown> {
  id: string;
  revoked: boolean;
  expired: boolean;
  locked: boolean;
  suspended: boolean;
  user_uid: string | null;
}

function reasonOf(
  row: Row | undefined,
  gone: TerminateReason,
  revoked: TerminateReason,
): TerminateReason | null {
  if (row === undefined || row.user_uid === null) return row === undefined ? gone : 'user_deleted';
  if (row.revoked || row.expired) return revoked;
  if (row.locked) return 'user_locked';
  if (row.suspended) return 'user_suspended';
  return null;
}

export function createSocketRevalidation(db: Database, clock: Clock) {
  return async (
    sockets: readonly TrackedSocket[],
  ): Promise<Map<TrackedSocket, TerminateReason>> => {
    const now = clock.now();
    const sessionIds = sockets.flatMap((s) => (s.sessionId ? [s.sessionId] : []));
    const tokenIds = sockets.flatMap((s) => (s.tokenId ? [s.tokenId] : []));
    const sessions = sessionIds.length
      ? await db.query<Row>(
          `SELECT s.uid AS id, s.revoked_at IS NOT NULL AS revoked, false AS expired, u.locked_at IS NOT NULL AS locked,
             u.suspended_at IS NOT NULL AS suspended, u.uid AS user_uid
           FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.uid = ANY($1::uuid[])`,
          [sessionIds],
        )
      : [];
    const tokens = tokenIds.length
      ? await db.query<Row>(
          `SELECT t.uid AS id, false AS revoked, (t.expires_at IS NOT NULL AND t.expires_at <= $2) AS expired,
             u.locked_at IS NOT NULL AS locked, u.suspended_at IS NOT NULL AS suspended, u.uid AS user_uid
           FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_user_id WHERE t.uid = ANY($1::uuid[])`,
          [tokenIds, now],
        )
      : [];
    const invalid = new Map<TrackedSocket, TerminateReason>();
    for (const socket of sockets) {
      const reason = socket.sessionId
        ? reasonOf(
            sessions.find((r) => r.id === socket.sessionId),
            'session_revoked',
            'session_revoked',
          )
        : reasonOf(
            tokens.find((r) => r.id === socket.tokenId),
            'token_revoked',
            'token_revoked',
          );
      if (reason !== null) invalid.set(socket, reason);
    }
    return invalid;
  };
}
