// Backup codes (identity.md §14.3): 10 single-use codes per user, stored as HMAC-SHA256 only. A
// new set replaces the old one and is returned exactly once; consuming a code is one atomic
// UPDATE, so a code works once even under concurrent requests.
import type { SqlRunner } from '../db/database.js';
import { type MfaCrypto, newBackupCode, normaliseBackupCode } from './mfa-crypto.js';

export const BACKUP_CODE_COUNT = 10;

export interface BackupCodeStatus {
  readonly total: number;
  readonly unused: number;
  readonly last_used_at: string | null;
  readonly last_generated_at: string | null;
}

/** Replaces the user's codes with a fresh set; returns the codes as shown (`XXXX-XXXX-XXXX`). */
export async function replaceBackupCodes(
  db: SqlRunner,
  crypto: MfaCrypto,
  userId: number,
  now: Date,
): Promise<string[]> {
  await deleteBackupCodes(db, userId);
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  for (const code of codes) {
    await db.query(
      'INSERT INTO mfa_backup_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)',
      [userId, crypto.backupCodeHash(normaliseBackupCode(code)), now],
    );
  }
  return codes;
}

export async function deleteBackupCodes(db: SqlRunner, userId: number): Promise<void> {
  await db.query('DELETE FROM mfa_backup_codes WHERE user_id = $1', [userId]);
}

/** Uses one code; returns the number of unused codes left, or null when the code is not valid. */
export async function consumeBackupCode(
  db: SqlRunner,
  crypto: MfaCrypto,
  userId: number,
  normalised: string,
  now: Date,
): Promise<number | null> {
  const used = await db.query(
    `UPDATE mfa_backup_codes SET used_at = $3
     WHERE user_id = $1 AND code_hash = ANY($2::text[]) AND used_at IS NULL RETURNING id`,
    [userId, crypto.backupCodeHashes(normalised), now],
  );
  if (used.length === 0) return null;
  return (await backupCodeStatus(db, userId)).unused;
}

/** Whether `normalised` is one of the user's codes that was already used (a re-sent code). */
export async function isUsedBackupCode(
  db: SqlRunner,
  crypto: MfaCrypto,
  userId: number,
  normalised: string,
): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM mfa_backup_codes
     WHERE user_id = $1 AND code_hash = ANY($2::text[]) AND used_at IS NOT NULL LIMIT 1`,
    [userId, crypto.backupCodeHashes(normalised)],
  );
  return rows.length > 0;
}

export async function backupCodeStatus(db: SqlRunner, userId: number): Promise<BackupCodeStatus> {
  const rows = await db.query<{ total: unknown; unused: unknown; used: unknown; made: unknown }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE used_at IS NULL) AS unused,
       max(used_at) AS used, max(created_at) AS made
     FROM mfa_backup_codes WHERE user_id = $1`,
    [userId],
  );
  const r = rows[0];
  const iso = (v: unknown) =>
    v === null || v === undefined ? null : new Date(v as string).toISOString();
  return {
    total: Number(r?.total ?? 0),
    unused: Number(r?.unused ?? 0),
    last_used_at: iso(r?.used),
    last_generated_at: iso(r?.made),
  };
}
