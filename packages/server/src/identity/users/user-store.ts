// Storage of users (identity.md §5): one typed record, parameterised SQL that runs the same on
// PostgreSQL and PGlite, inside or outside a transaction.
import { randomUUID } from 'node:crypto';
import type { UserRole } from '../../access/roles.js';
import type { NotifyingRunner, SqlRunner } from '../../db/database.js';
import { announceCredentialChange } from '../credential-notices.js';

export interface UserRecord {
  readonly id: number;
  readonly uid: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly UserRole[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly createdByUserId: number | null;
  readonly lastLoginAt: Date | null;
  readonly lockedAt: Date | null;
  readonly lockedReason: string | null;
  readonly lockedByUserId: number | null;
  readonly suspendedAt: Date | null;
  readonly mfaEnforcedAt: Date | null;
  readonly preferredMfaMethod: 'totp' | 'webauthn' | null;
  readonly oidcIssuer: string | null;
  readonly oidcSubject: string | null;
}

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string);
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toUser(r: Row): UserRecord {
  return {
    id: Number(r.id),
    uid: String(r.uid),
    email: String(r.email),
    name: String(r.name),
    roles: r.roles as UserRole[],
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
    createdByUserId: num(r.created_by_user_id),
    lastLoginAt: date(r.last_login_at),
    lockedAt: date(r.locked_at),
    lockedReason: str(r.locked_reason),
    lockedByUserId: num(r.locked_by_user_id),
    suspendedAt: date(r.suspended_at),
    mfaEnforcedAt: date(r.mfa_enforced_at),
    preferredMfaMethod: str(r.preferred_mfa_method) as UserRecord['preferredMfaMethod'],
    oidcIssuer: str(r.oidc_issuer),
    oidcSubject: str(r.oidc_subject),
  };
}

export async function findUserByEmail(db: SqlRunner, email: string): Promise<UserRecord | null> {
  const rows = await db.query('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** Same as findUserByEmail, locking the row until the transaction ends. */
export async function lockUserByEmail(db: SqlRunner, email: string): Promise<UserRecord | null> {
  const rows = await db.query('SELECT * FROM users WHERE email = $1 FOR UPDATE', [
    email.toLowerCase(),
  ]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserById(db: SqlRunner, id: number): Promise<UserRecord | null> {
  const rows = await db.query('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(db: SqlRunner): Promise<UserRecord[]> {
  return (await db.query('SELECT * FROM users ORDER BY email')).map(toUser);
}

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly roles: readonly UserRole[];
  readonly createdByUserId: number | null;
  readonly now: Date;
}

export async function insertUser(db: SqlRunner, user: NewUser): Promise<UserRecord> {
  const rows = await db.query(
    `INSERT INTO users (uid, email, name, roles, created_at, updated_at, created_by_user_id)
     VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING *`,
    [
      randomUUID(),
      user.email.toLowerCase(),
      user.name,
      [...user.roles],
      user.now,
      user.createdByUserId,
    ],
  );
  return toUser(rows[0] as Row);
}

const COLUMNS = {
  email: 'email',
  name: 'name',
  roles: 'roles',
  lastLoginAt: 'last_login_at',
  lockedAt: 'locked_at',
  lockedReason: 'locked_reason',
  lockedByUserId: 'locked_by_user_id',
  suspendedAt: 'suspended_at',
  oidcIssuer: 'oidc_issuer',
  oidcSubject: 'oidc_subject',
} as const;

export type UserChanges = {
  readonly [K in keyof typeof COLUMNS]?: K extends 'roles' ? readonly UserRole[] : UserRecord[K];
};

/**
 * Updates the given fields and `updated_at`; returns the new record. Announced on
 * `rgw_credentials`, so no replica keeps resolving the user's credentials from the old record.
 */
export async function updateUser(
  db: NotifyingRunner,
  id: number,
  changes: UserChanges,
  now: Date,
): Promise<UserRecord> {
  const sets: string[] = [];
  const params: unknown[] = [id, now];
  for (const [field, column] of Object.entries(COLUMNS)) {
    if (!(field in changes)) continue;
    const value = changes[field as keyof UserChanges];
    params.push(Array.isArray(value) ? [...value] : value);
    sets.push(`${column} = $${params.length}`);
  }
  const rows = await db.query(
    `UPDATE users SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING *`,
    params,
  );
  const user = toUser(rows[0] as Row);
  await announceCredentialChange(db, 'user', user.uid);
  return user;
}

export async function deleteUser(db: SqlRunner, id: number): Promise<void> {
  await db.query('DELETE FROM users WHERE id = $1', [id]);
}

/** Admins who are neither locked nor suspended, other than `exceptId`. */
export async function countOtherActiveAdmins(db: SqlRunner, exceptId: number): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM users
     WHERE 'admin' = ANY(roles) AND locked_at IS NULL AND suspended_at IS NULL AND id <> $1`,
    [exceptId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Active = exists, not locked, not suspended (identity.md §5). */
export const isActive = (u: UserRecord): boolean => u.lockedAt === null && u.suspendedAt === null;
