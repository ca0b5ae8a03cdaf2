// Storage of sessions (identity.md §6): only the SHA-256 of the token is stored; the public id is
// a UUID. Revocations send `rgw_revocation` in the same transaction (identity.md §15).
import { randomUUID } from 'node:crypto';
import type { MfaState } from '../../access/principal.js';
import type { NotifyingRunner, SqlRunner } from '../../db/database.js';
import { randomToken, sha256Hex } from '../secrets.js';

export type Channel = 'web' | 'cli';
export type RevocationReason =
  | 'logout'
  | 'user_revoked'
  | 'admin_revoked'
  | 'user_locked'
  | 'user_suspended'
  | 'user_deleted'
  | 'role_changed'
  | 'email_changed'
  | 'mfa_reset'
  | 'idp_binding_reset'
  | 'rotated'
  | 'expired_idle'
  | 'expired_absolute';

export const REVOCATION_CHANNEL = 'rgw_revocation';

export interface SessionRecord {
  readonly id: number;
  readonly uid: string;
  readonly userId: number;
  readonly channel: Channel;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly createdIp: string;
  readonly lastIp: string;
  readonly userAgent: string;
  readonly deviceId: string | null;
  readonly deviceName: string | null;
  readonly deviceOs: string | null;
  readonly clientVersion: string | null;
  readonly mfaState: MfaState;
  readonly mfaVerifiedAt: Date | null;
  readonly recentStepUpAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revokedReason: string | null;
}

type Row = Record<string, unknown>;
const opt = <T>(v: unknown, f: (x: unknown) => T): T | null =>
  v === null || v === undefined ? null : f(v);
const toDate = (v: unknown): Date => new Date(v as string);

export function toSession(r: Row): SessionRecord {
  return {
    id: Number(r.id),
    uid: String(r.uid),
    userId: Number(r.user_id),
    channel: r.channel as Channel,
    createdAt: toDate(r.created_at),
    lastSeenAt: toDate(r.last_seen_at),
    createdIp: String(r.created_ip),
    lastIp: String(r.last_ip),
    userAgent: String(r.user_agent),
    deviceId: opt(r.device_id, String),
    deviceName: opt(r.device_name, String),
    deviceOs: opt(r.device_os, String),
    clientVersion: opt(r.client_version, String),
    mfaState: r.mfa_state as MfaState,
    mfaVerifiedAt: opt(r.mfa_verified_at, toDate),
    recentStepUpAt: opt(r.recent_step_up_at, toDate),
    revokedAt: opt(r.revoked_at, toDate),
    revokedReason: opt(r.revoked_reason, String),
  };
}

export interface NewSession {
  readonly userId: number;
  readonly channel: Channel;
  readonly ip: string;
  readonly userAgent: string;
  readonly mfaState: MfaState;
  readonly mfaVerifiedAt: Date | null;
  readonly recentStepUpAt: Date | null;
  /** The trusted device that satisfied the login challenge (identity.md §14.7). */
  readonly trustedDeviceId?: string;
  readonly device?: {
    readonly id: string;
    readonly name: string;
    readonly os: string;
    readonly clientVersion: string;
  };
  readonly now: Date;
}

/** Creates a session; the raw token is returned once and never stored. */
export async function insertSession(
  db: SqlRunner,
  s: NewSession,
): Promise<{ token: string; session: SessionRecord }> {
  const token = randomToken(32);
  const rows = await db.query(
    `INSERT INTO sessions (uid, user_id, token_hash, channel, created_at, last_seen_at, created_ip,
       last_ip, user_agent, device_id, device_name, device_os, client_version, mfa_state,
       mfa_verified_at, recent_step_up_at, trusted_device_id)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
    [
      randomUUID(),
      s.userId,
      sha256Hex(token),
      s.channel,
      s.now,
      s.ip,
      s.userAgent.slice(0, 512),
      s.device?.id ?? null,
      s.device?.name ?? null,
      s.device?.os ?? null,
      s.device?.clientVersion ?? null,
      s.mfaState,
      s.mfaVerifiedAt,
      s.recentStepUpAt,
      s.trustedDeviceId ?? null,
    ],
  );
  return { token, session: toSession(rows[0] as Row) };
}

export async function findSessionByToken(
  db: SqlRunner,
  token: string,
): Promise<SessionRecord | null> {
  const rows = await db.query('SELECT * FROM sessions WHERE token_hash = $1', [sha256Hex(token)]);
  return rows[0] ? toSession(rows[0]) : null;
}

export async function findSessionByUid(db: SqlRunner, uid: string): Promise<SessionRecord | null> {
  const rows = await db.query('SELECT * FROM sessions WHERE uid = $1', [uid]);
  return rows[0] ? toSession(rows[0]) : null;
}

export async function listActiveSessions(db: SqlRunner, userId: number): Promise<SessionRecord[]> {
  const rows = await db.query(
    'SELECT * FROM sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY last_seen_at DESC, id DESC',
    [userId],
  );
  return rows.map(toSession);
}

export async function touchSession(db: SqlRunner, id: number, now: Date, ip: string) {
  await db.query('UPDATE sessions SET last_seen_at = $2, last_ip = $3 WHERE id = $1', [
    id,
    now,
    ip,
  ]);
}

export async function notifyRevocation(
  db: NotifyingRunner,
  kind: 'session' | 'token' | 'user',
  id: string,
): Promise<void> {
  await db.notify(REVOCATION_CHANNEL, JSON.stringify({ kind, id }));
}

export interface Revocation {
  readonly reason: RevocationReason;
  readonly byUserId: number | null;
  readonly now: Date;
}

/** Revokes one session (if still active) and announces it; returns whether it was active. */
export async function revokeSession(
  db: NotifyingRunner,
  id: number,
  r: Revocation,
): Promise<boolean> {
  const rows = await db.query<{ uid: string }>(
    `UPDATE sessions SET revoked_at = $2, revoked_reason = $3, revoked_by_user_id = $4
     WHERE id = $1 AND revoked_at IS NULL RETURNING uid`,
    [id, r.now, r.reason, r.byUserId],
  );
  for (const row of rows) await notifyRevocation(db, 'session', String(row.uid));
  return rows.length > 0;
}

/**
 * Revokes every active session of a user (except `keepId`). User-level events (lock, suspension,
 * deletion, role or e-mail change) announce the user; other bulk revocations each session.
 */
export async function revokeUserSessions(
  db: NotifyingRunner,
  user: { id: number; uid: string },
  r: Revocation & { keepId?: number; announce: 'user' | 'sessions' },
): Promise<number> {
  const rows = await db.query<{ uid: string }>(
    `UPDATE sessions SET revoked_at = $2, revoked_reason = $3, revoked_by_user_id = $4
     WHERE user_id = $1 AND revoked_at IS NULL AND id <> $5 RETURNING uid`,
    [user.id, r.now, r.reason, r.byUserId, r.keepId ?? -1],
  );
  if (r.announce === 'user') await notifyRevocation(db, 'user', user.uid);
  else for (const row of rows) await notifyRevocation(db, 'session', String(row.uid));
  return rows.length;
}
