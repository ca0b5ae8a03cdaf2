// Storage of API tokens. Secrets are never stored or returned after creation; updates and deletions
// notify every replica (rgw_revocation) in the same transaction so open sockets close.
import { randomUUID } from 'node:crypto';
import { desc, eq, type SQL } from 'drizzle-orm';
import type { Database, NotifyingRunner } from '../../db/database.js';
import { apiTokens, users } from '../../db/schema.js';
import { ConflictError, NotFoundError } from '../../http/errors.js';
import type { PermissionPattern } from '../permissions.js';
import { isUserRole, type UserRole } from '../roles.js';
import { hashTokenSecret, newTokenSecret } from './token-secret.js';

export interface ApiTokenRecord {
  readonly id: number;
  readonly uid: string;
  readonly name: string;
  readonly ownerUserId: number;
  readonly ownerEmail: string;
  readonly permissions: readonly PermissionPattern[];
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly lastUsedIp: string | null;
}

export interface TokenOwner {
  readonly id: number;
  readonly uid: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly UserRole[];
  readonly lockedAt: Date | null;
  readonly suspendedAt: Date | null;
}

export type TokenResolution =
  | { readonly ok: true; readonly token: ApiTokenRecord; readonly owner: TokenOwner }
  | {
      readonly ok: false;
      readonly reason: 'unknown' | 'expired' | 'owner_locked' | 'owner_suspended' | 'owner_deleted';
      readonly tokenId?: string;
    };

interface Row extends Record<string, unknown> {
  id: string | number;
  uid: string;
  name: string;
  owner_user_id: string | number;
  owner_email: string;
  permissions: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
}

const toRecord = (r: Row): ApiTokenRecord => ({
  id: Number(r.id),
  uid: r.uid,
  name: r.name,
  ownerUserId: Number(r.owner_user_id),
  ownerEmail: r.owner_email,
  permissions: r.permissions,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  lastUsedIp: r.last_used_ip,
});

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

const nameTaken = (name: string): ConflictError =>
  new ConflictError(
    'token_name_taken',
    `An API token named "${name}" already exists; choose another name.`,
  );

async function notifyRevocation(tx: NotifyingRunner, uid: string): Promise<void> {
  await tx.notify('rgw_revocation', JSON.stringify({ kind: 'token', id: uid }));
}

export interface NewToken {
  readonly name: string;
  readonly ownerUserId: number;
  readonly permissions: readonly PermissionPattern[];
  readonly expiresAt: Date | null;
}

export interface TokenChanges {
  readonly name?: string;
  readonly permissions?: readonly PermissionPattern[];
  readonly expiresAt?: Date | null;
}

/** prefix → hash lookup → expiry → owner active (access-control.md §7 "On use"). */
export async function resolveApiToken(
  db: Database,
  secret: string,
  now: Date,
): Promise<TokenResolution> {
  const rows = await db.query<
    Row & {
      roles: string[];
      locked_at: Date | null;
      suspended_at: Date | null;
      owner_uid: string;
      owner_name: string;
    }
  >(
    `SELECT t.id, t.uid, t.name, t.owner_user_id, u.email AS owner_email, t.permissions, t.created_at, t.expires_at,
         t.last_used_at, t.last_used_ip, u.uid AS owner_uid, u.name AS owner_name, u.roles, u.locked_at, u.suspended_at
       FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_user_id WHERE t.token_hash = $1`,
    [hashTokenSecret(secret)],
  );
  const row = rows[0];
  if (row === undefined) return { ok: false, reason: 'unknown' };
  const tokenId = row.uid;
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime())
    return { ok: false, reason: 'expired', tokenId };
  if (!row.owner_uid) return { ok: false, reason: 'owner_deleted', tokenId };
  if (row.locked_at !== null) return { ok: false, reason: 'owner_locked', tokenId };
  if (row.suspended_at !== null) return { ok: false, reason: 'owner_suspended', tokenId };
  const owner: TokenOwner = {
    id: Number(row.owner_user_id),
    uid: row.owner_uid,
    email: row.owner_email,
    name: row.owner_name,
    roles: row.roles.filter(isUserRole),
    lockedAt: null,
    suspendedAt: null,
  };
  return { ok: true, token: toRecord(row), owner };
}

/** Tokens with their owner's e-mail, newest first (typed query over db/schema.ts). */
function selectTokens(db: Database, where: SQL | undefined) {
  return db.orm
    .select({
      id: apiTokens.id,
      uid: apiTokens.uid,
      name: apiTokens.name,
      ownerUserId: apiTokens.ownerUserId,
      ownerEmail: users.email,
      permissions: apiTokens.permissions,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      lastUsedIp: apiTokens.lastUsedIp,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.ownerUserId))
    .where(where)
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export function createTokenStore(db: Database) {
  async function get(uid: string): Promise<ApiTokenRecord> {
    const rows = /^[0-9a-f-]{36}$/i.test(uid) ? await selectTokens(db, eq(apiTokens.uid, uid)) : [];
    const row = rows[0];
    if (row === undefined) throw new NotFoundError('token_not_found', 'No API token with that id.');
    return row;
  }

  return {
    get,

    async create(input: NewToken, now: Date): Promise<{ token: ApiTokenRecord; secret: string }> {
      const secret = newTokenSecret();
      const uid = randomUUID();
      try {
        await db.query(
          `INSERT INTO api_tokens (uid, name, token_hash, owner_user_id, permissions, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            uid,
            input.name,
            hashTokenSecret(secret),
            input.ownerUserId,
            [...input.permissions],
            now,
            input.expiresAt,
          ],
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(input.name);
        throw err;
      }
      return { token: await get(uid), secret };
    },

    list(ownerUserId: number | null): Promise<ApiTokenRecord[]> {
      return selectTokens(
        db,
        ownerUserId === null ? undefined : eq(apiTokens.ownerUserId, ownerUserId),
      );
    },

    async update(uid: string, changes: TokenChanges): Promise<ApiTokenRecord> {
      const current = await get(uid);
      try {
        await db.transaction(async (tx) => {
          await tx.query(
            'UPDATE api_tokens SET name = $2, permissions = $3, expires_at = $4 WHERE uid = $1',
            [
              uid,
              changes.name ?? current.name,
              [...(changes.permissions ?? current.permissions)],
              changes.expiresAt === undefined ? current.expiresAt : changes.expiresAt,
            ],
          );
          await notifyRevocation(tx, uid);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(changes.name ?? current.name);
        throw err;
      }
      return get(uid);
    },

    async remove(uid: string): Promise<ApiTokenRecord> {
      const current = await get(uid);
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM api_tokens WHERE uid = $1', [uid]);
        await notifyRevocation(tx, uid);
      });
      return current;
    },

    resolve: (secret: string, now: Date) => resolveApiToken(db, secret, now),

    /** Records use at most once a minute per token. */
    async touch(uid: string, ip: string, now: Date): Promise<void> {
      await db.query(
        `UPDATE api_tokens SET last_used_at = $2, last_used_ip = $3
         WHERE uid = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
        [uid, now, ip],
      );
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
