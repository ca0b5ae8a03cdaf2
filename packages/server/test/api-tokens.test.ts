import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOfRoles, ROLES } from '../src/access/roles.js';
import {
  assertWithinCreator,
  effectiveTokenPermissions,
  requestedPermissions,
  validateTokenPermissions,
} from '../src/access/tokens/token-permissions.js';
import { createTokenStore, type TokenStore } from '../src/access/tokens/token-store.js';
import { createTestDb, type TestDatabase } from './support/test-db.js';

const NOW = new Date('2026-11-28T12:00:00Z');

describe('API token permissions (access-control.md §7)', () => {
  it('uses explicit permissions, else a role template, else the cicd list', () => {
    expect(
      requestedPermissions({ permissions: ['convox:app:list', 'convox:app:list'], role: 'admin' }),
    ).toEqual(['convox:app:list']);
    // A template keeps what a token may hold: from the auth scope only auth:profile:read.
    const viewer = requestedPermissions({ role: 'viewer' });
    expect(viewer).toEqual(
      ROLES.viewer.permissions.filter((p) => !p.startsWith('auth:') || p === 'auth:profile:read'),
    );
    expect(requestedPermissions({ role: 'admin' })).toEqual([
      'convox:*:*',
      'gateway:*:*',
      'auth:profile:read',
    ]);
    for (const role of ['viewer', 'ops', 'deployer', 'cicd', 'admin'])
      expect(validateTokenPermissions(requestedPermissions({ role }))).toHaveLength(
        requestedPermissions({ role }).length,
      );
    expect(requestedPermissions({})).toEqual([...ROLES.cicd.permissions]);
    expect(() => requestedPermissions({ role: 'root' })).toThrow(
      expect.objectContaining({ code: 'invalid_role' }),
    );
  });

  it('refuses invalid entries and listing them, and auth scope beyond profile:read', () => {
    expect(() =>
      validateTokenPermissions(['convox:app:list', 'convox:app:fly', 'auth:session:revoke']),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid_permission',
        extra: { invalid_permissions: ['convox:app:fly', 'auth:session:revoke'] },
      }),
    );
    expect(() => validateTokenPermissions([])).toThrow(
      expect.objectContaining({ code: 'invalid_permission' }),
    );
    expect(validateTokenPermissions(['auth:profile:read', 'convox:*:*'])).toHaveLength(2);
  });

  it('a deployer cannot grant the cicd template or convox:app:* (permission_exceeds_creator)', () => {
    const deployer = permissionsOfRoles(['deployer']);
    expect(() => assertWithinCreator(ROLES.cicd.permissions, deployer)).toThrow(
      expect.objectContaining({
        status: 403,
        code: 'permission_exceeds_creator',
        extra: { uncovered_permissions: ['convox:deploy:deploy_with_approval'] },
      }),
    );
    expect(() => assertWithinCreator(['convox:app:*'], deployer)).toThrow(
      expect.objectContaining({ code: 'permission_exceeds_creator' }),
    );
    expect(() =>
      assertWithinCreator(['convox:app:list', 'convox:release:promote'], deployer),
    ).not.toThrow();
  });

  it("bounds a token by its owner's current roles", () => {
    expect(effectiveTokenPermissions(['convox:*:*'], ['admin'])).toContain('convox:app:delete');
    const demoted = effectiveTokenPermissions(['convox:*:*'], ['viewer']);
    expect(demoted).not.toContain('convox:app:delete');
    expect(demoted).toContain('convox:app:list');
    expect(effectiveTokenPermissions(['convox:app:list'], ['admin'])).toEqual(['convox:app:list']);
  });
});

describe('API token store', () => {
  let database: TestDatabase;
  let store: TokenStore;
  let ownerId: number;

  const addUser = async (email: string, roles: string[]) => {
    const rows = await database.db.query<{ id: string }>(
      `INSERT INTO users (uid, email, name, roles, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
      [randomUUID(), email, email.split('@')[0], roles, NOW],
    );
    return Number(rows[0]?.id);
  };

  beforeAll(async () => {
    database = await createTestDb();
    store = createTokenStore(database.db);
    ownerId = await addUser('admin@example.com', ['admin']);
  });
  afterAll(async () => database?.close());

  it('returns the rgw_ secret once and stores only its hash', async () => {
    const { token, secret } = await store.create(
      { name: 'ci', ownerUserId: ownerId, permissions: ['convox:app:list'], expiresAt: null },
      NOW,
    );
    expect(secret).toMatch(/^rgw_[A-Za-z0-9_-]{43}=$/);
    expect(secret).toHaveLength(48);
    const dump = JSON.stringify(await database.db.query('SELECT * FROM api_tokens'));
    expect(dump).not.toContain(secret.slice(4));
    const resolved = await store.resolve(secret, NOW);
    expect(resolved).toMatchObject({
      ok: true,
      token: { uid: token.uid, name: 'ci' },
      owner: { email: 'admin@example.com', roles: ['admin'] },
    });
    expect(await store.resolve(`${secret}x`, NOW)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuses a duplicate name with 409', async () => {
    await expect(
      store.create(
        { name: 'ci', ownerUserId: ownerId, permissions: ['convox:app:list'], expiresAt: null },
        NOW,
      ),
    ).rejects.toMatchObject({
      status: 409,
      code: 'token_name_taken',
    });
  });

  it('rejects expired tokens and tokens of locked, suspended or deleted owners', async () => {
    const expiring = await store.create(
      {
        name: 'old',
        ownerUserId: ownerId,
        permissions: ['convox:app:list'],
        expiresAt: new Date(NOW.getTime() + 1000),
      },
      NOW,
    );
    expect((await store.resolve(expiring.secret, new Date(NOW.getTime() + 1000))).ok).toBe(false);
    expect(await store.resolve(expiring.secret, new Date(NOW.getTime() + 1000))).toMatchObject({
      reason: 'expired',
      tokenId: expiring.token.uid,
    });

    const userId = await addUser('leaver@example.com', ['deployer']);
    const { secret } = await store.create(
      { name: 'leaver', ownerUserId: userId, permissions: ['convox:app:list'], expiresAt: null },
      NOW,
    );
    await database.db.query('UPDATE users SET locked_at = $2 WHERE id = $1', [userId, NOW]);
    expect(await store.resolve(secret, NOW)).toMatchObject({ ok: false, reason: 'owner_locked' });
    await database.db.query('UPDATE users SET locked_at = NULL, suspended_at = $2 WHERE id = $1', [
      userId,
      NOW,
    ]);
    expect(await store.resolve(secret, NOW)).toMatchObject({
      ok: false,
      reason: 'owner_suspended',
    });
    await database.db.query('DELETE FROM users WHERE id = $1', [userId]);
    expect(await store.resolve(secret, NOW)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('updates and deletes, notifying replicas of the revocation', async () => {
    const seen: string[] = [];
    const stop = await database.db.listen('rgw_revocation', (p) => seen.push(p));
    const { token } = await store.create(
      { name: 'temp', ownerUserId: ownerId, permissions: ['convox:app:list'], expiresAt: null },
      NOW,
    );
    const updated = await store.update(token.uid, {
      name: 'temp2',
      permissions: ['convox:app:read'],
    });
    expect(updated).toMatchObject({ name: 'temp2', permissions: ['convox:app:read'] });
    await store.remove(token.uid);
    await expect(store.get(token.uid)).rejects.toMatchObject({ status: 404 });
    await expect.poll(() => seen.length).toBe(2);
    expect(JSON.parse(seen[0] ?? '{}')).toEqual({ kind: 'token', id: token.uid });
    await stop();
  });

  it('records last use at most once a minute', async () => {
    const { token } = await store.create(
      { name: 'touchy', ownerUserId: ownerId, permissions: ['convox:app:list'], expiresAt: null },
      NOW,
    );
    await store.touch(token.uid, '10.0.0.1', NOW);
    await store.touch(token.uid, '10.0.0.2', new Date(NOW.getTime() + 30_000));
    expect(await store.get(token.uid)).toMatchObject({ lastUsedAt: NOW, lastUsedIp: '10.0.0.1' });
    await store.touch(token.uid, '10.0.0.3', new Date(NOW.getTime() + 61_000));
    expect((await store.get(token.uid)).lastUsedIp).toBe('10.0.0.3');
  });
});
