// Trusted devices (identity.md §14.7): an opt-in cookie that satisfies only the web login
// challenge — never step-up, never `always`, never a CLI approval. Only SHA-256 hashes of the
// token and of the User-Agent are stored. A device presented after expiry, by another user or
// with another User-Agent is revoked on the spot.
import { randomUUID } from 'node:crypto';
import type { SqlRunner } from '../db/database.js';
import { randomToken, sha256Hex } from '../identity/secrets.js';

export type DeviceRevocation =
  | 'user_request'
  | 'mfa_disabled'
  | 'expired'
  | 'mismatched_user'
  | 'mismatched_user_agent'
  | 'mfa_reset';

export interface TrustedDeviceRecord {
  readonly id: number;
  readonly uid: string;
  readonly userId: number;
  readonly tokenHash: string;
  readonly userAgentHash: string;
  readonly label: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastIp: string;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

type Row = Record<string, unknown>;

function toDevice(r: Row): TrustedDeviceRecord {
  return {
    id: Number(r.id),
    uid: String(r.uid),
    userId: Number(r.user_id),
    tokenHash: String(r.token_hash),
    userAgentHash: String(r.user_agent_hash),
    label: String(r.label),
    createdAt: new Date(r.created_at as string),
    expiresAt: new Date(r.expires_at as string),
    lastIp: String(r.last_ip),
    lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at as string),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at as string),
  };
}

const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/Edg\//, 'Edge'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: readonly (readonly [string, string])[] = [
  ['Windows', 'Windows'],
  ['Mac OS X', 'macOS'],
  ['Android', 'Android'],
  ['iPhone', 'iOS'],
  ['Linux', 'Linux'],
];

/** "Chrome on Linux"-style label from a User-Agent (best effort, for the device list). */
export function deviceLabel(userAgent: string): string {
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Browser';
  const os = SYSTEMS.find(([needle]) => userAgent.includes(needle))?.[1];
  return (os ? `${browser} on ${os}` : browser).slice(0, 200);
}

export async function createTrustedDevice(
  db: SqlRunner,
  d: { userId: number; userAgent: string; ip: string; ttlDays: number; now: Date },
): Promise<{ token: string; device: TrustedDeviceRecord }> {
  const token = randomToken(32);
  const rows = await db.query(
    `INSERT INTO trusted_devices (uid, user_id, token_hash, user_agent_hash, label, created_at,
       expires_at, first_ip, last_ip, last_used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $6) RETURNING *`,
    [
      randomUUID(),
      d.userId,
      sha256Hex(token),
      sha256Hex(d.userAgent),
      deviceLabel(d.userAgent),
      d.now,
      new Date(d.now.getTime() + d.ttlDays * 86_400_000),
      d.ip,
    ],
  );
  return { token, device: toDevice(rows[0] as Row) };
}

export async function findDeviceByToken(
  db: SqlRunner,
  token: string,
): Promise<TrustedDeviceRecord | null> {
  const rows = await db.query(
    'SELECT * FROM trusted_devices WHERE token_hash = $1 AND revoked_at IS NULL',
    [sha256Hex(token)],
  );
  return rows[0] ? toDevice(rows[0]) : null;
}

export async function findUserDevice(
  db: SqlRunner,
  userId: number,
  uid: string,
): Promise<TrustedDeviceRecord | null> {
  const rows = await db.query(
    'SELECT * FROM trusted_devices WHERE user_id = $1 AND uid = $2 AND revoked_at IS NULL',
    [userId, uid],
  );
  return rows[0] ? toDevice(rows[0]) : null;
}

export async function activeDevices(
  db: SqlRunner,
  userId: number,
  now: Date,
): Promise<TrustedDeviceRecord[]> {
  const rows = await db.query(
    `SELECT * FROM trusted_devices WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
     ORDER BY created_at DESC, id DESC`,
    [userId, now],
  );
  return rows.map(toDevice);
}

export async function revokeDevice(
  db: SqlRunner,
  id: number,
  reason: DeviceRevocation,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE trusted_devices SET revoked_at = $2, revoked_reason = $3
     WHERE id = $1 AND revoked_at IS NULL`,
    [id, now, reason],
  );
}

/** Revokes every device of the user; returns the revoked public ids. */
export async function revokeUserDevices(
  db: SqlRunner,
  userId: number,
  reason: DeviceRevocation,
  now: Date,
): Promise<string[]> {
  const rows = await db.query<{ uid: unknown }>(
    `UPDATE trusted_devices SET revoked_at = $2, revoked_reason = $3
     WHERE user_id = $1 AND revoked_at IS NULL RETURNING uid`,
    [userId, now, reason],
  );
  return rows.map((r) => String(r.uid));
}

export async function touchDevice(db: SqlRunner, id: number, ip: string, now: Date) {
  await db.query('UPDATE trusted_devices SET last_used_at = $2, last_ip = $3 WHERE id = $1', [
    id,
    now,
    ip,
  ]);
}
