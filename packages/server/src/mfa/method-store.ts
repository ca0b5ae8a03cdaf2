// Storage of MFA methods (identity.md §14.1-14.2): a user is enrolled with at least one confirmed
// method; unconfirmed TOTP methods belong to the session that started the enrolment and are
// discarded after 10 minutes. The TOTP secret column holds ciphertext only (mfa-crypto.ts).
import { randomUUID } from 'node:crypto';
import type { NotifyingRunner, SqlRunner } from '../db/database.js';
import { announceCredentialChange } from '../identity/credential-notices.js';
import type { MfaMethodType } from '../identity/mfa-hooks.js';

export const ENROLMENT_TTL_MS = 10 * 60_000;

export interface MfaMethodRecord {
  readonly id: number;
  readonly uid: string;
  readonly userId: number;
  readonly type: MfaMethodType;
  readonly label: string;
  readonly secretEncrypted: string | null;
  readonly startedSessionId: number | null;
  readonly createdAt: Date;
  readonly confirmedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string);

function toMethod(r: Row): MfaMethodRecord {
  return {
    id: Number(r.id),
    uid: String(r.uid),
    userId: Number(r.user_id),
    type: r.type as MfaMethodType,
    label: String(r.label),
    secretEncrypted: r.secret_encrypted === null ? null : String(r.secret_encrypted),
    startedSessionId: r.started_session_id === null ? null : Number(r.started_session_id),
    createdAt: new Date(r.created_at as string),
    confirmedAt: date(r.confirmed_at),
    lastUsedAt: date(r.last_used_at),
  };
}

/** A new unconfirmed TOTP method; the user's other unconfirmed TOTP methods are removed. */
export async function startTotpMethod(
  db: SqlRunner,
  m: { userId: number; label: string; secretEncrypted: string; sessionId: number; now: Date },
): Promise<MfaMethodRecord> {
  await db.query(
    `DELETE FROM mfa_methods WHERE (user_id = $1 AND type = 'totp' AND confirmed_at IS NULL)
       OR (confirmed_at IS NULL AND created_at < $2)`,
    [m.userId, new Date(m.now.getTime() - ENROLMENT_TTL_MS)],
  );
  const rows = await db.query(
    `INSERT INTO mfa_methods (uid, user_id, type, label, secret_encrypted, started_session_id,
       created_at) VALUES ($1, $2, 'totp', $3, $4, $5, $6) RETURNING *`,
    [randomUUID(), m.userId, m.label, m.secretEncrypted, m.sessionId, m.now],
  );
  return toMethod(rows[0] as Row);
}

/** One of the user's methods (confirmed or not) by its public id. */
export async function findMethod(
  db: SqlRunner,
  userId: number,
  uid: string,
): Promise<MfaMethodRecord | null> {
  const rows = await db.query('SELECT * FROM mfa_methods WHERE user_id = $1 AND uid = $2', [
    userId,
    uid,
  ]);
  return rows[0] ? toMethod(rows[0]) : null;
}

export async function confirmedMethods(db: SqlRunner, userId: number): Promise<MfaMethodRecord[]> {
  const rows = await db.query(
    'SELECT * FROM mfa_methods WHERE user_id = $1 AND confirmed_at IS NOT NULL ORDER BY id',
    [userId],
  );
  return rows.map(toMethod);
}

/** Confirms a pending method; null when it was confirmed or removed meanwhile. */
export async function confirmMethod(
  db: SqlRunner,
  id: number,
  label: string,
  now: Date,
): Promise<MfaMethodRecord | null> {
  const rows = await db.query(
    `UPDATE mfa_methods SET confirmed_at = $2, last_used_at = $2, label = $3, started_session_id = NULL
     WHERE id = $1 AND confirmed_at IS NULL RETURNING *`,
    [id, now, label],
  );
  return rows[0] ? toMethod(rows[0]) : null;
}

export async function renameMethod(db: SqlRunner, id: number, label: string): Promise<void> {
  await db.query('UPDATE mfa_methods SET label = $2 WHERE id = $1', [id, label]);
}

export async function touchMethod(db: SqlRunner, id: number, now: Date): Promise<void> {
  await db.query('UPDATE mfa_methods SET last_used_at = $2 WHERE id = $1', [id, now]);
}

export async function deleteMethod(db: SqlRunner, id: number): Promise<void> {
  await db.query('DELETE FROM mfa_methods WHERE id = $1', [id]);
}

/** Removes every method of the user (MFA reset); returns how many confirmed ones there were. */
export async function deleteAllMethods(db: SqlRunner, userId: number): Promise<number> {
  const rows = await db.query<{ confirmed_at: unknown }>(
    'DELETE FROM mfa_methods WHERE user_id = $1 RETURNING confirmed_at',
    [userId],
  );
  return rows.filter((r) => r.confirmed_at !== null).length;
}

/**
 * `mfa_enforced_at` is set at the first confirmed enrolment and never cleared (§14.1); it decides
 * the MFA state of the user's sessions, so cached resolutions are dropped.
 */
export async function enforceMfa(db: NotifyingRunner, userId: number, now: Date): Promise<void> {
  const rows = await db.query<{ uid: string }>(
    `UPDATE users SET mfa_enforced_at = coalesce(mfa_enforced_at, $2), updated_at = $2
     WHERE id = $1 RETURNING uid`,
    [userId, now],
  );
  for (const row of rows) await announceCredentialChange(db, 'user', String(row.uid));
}

export async function setPreferredMethod(
  db: SqlRunner,
  userId: number,
  method: 'totp' | 'webauthn' | null,
  now: Date,
): Promise<void> {
  await db.query('UPDATE users SET preferred_mfa_method = $2, updated_at = $3 WHERE id = $1', [
    userId,
    method,
    now,
  ]);
}
