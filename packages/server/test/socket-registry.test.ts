import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSocketRegistry,
  parseRevocationNotice,
  REVOCATION_CHANNEL,
  type TerminateReason,
  type TrackedSocket,
} from '../src/proxy/socket-registry.js';
import { createTestDb, silentLogger, type TestDatabase } from './support/test-db.js';

function socket(ids: { sessionId?: string; tokenId?: string; userId: string }) {
  const ended: TerminateReason[] = [];
  const s: TrackedSocket = {
    kind: 'exec',
    sessionId: ids.sessionId ?? null,
    tokenId: ids.tokenId ?? null,
    userId: ids.userId,
    terminate: (reason) => ended.push(reason),
  };
  return { s, ended };
}

describe('socket registry (identity.md §15)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDb();
  });
  afterAll(async () => database?.close());

  it('parses notices and ignores garbage', () => {
    expect(parseRevocationNotice('{"kind":"session","id":"s1"}')).toEqual({
      kind: 'session',
      id: 's1',
    });
    expect(parseRevocationNotice('{"kind":"user","id":"u1","reason":"role_changed"}')).toEqual({
      kind: 'user',
      id: 'u1',
      reason: 'role_changed',
    });
    expect(parseRevocationNotice('{"kind":"planet","id":"x"}')).toBeNull();
    expect(parseRevocationNotice('nope')).toBeNull();
  });

  it('closes exactly the sockets a NOTIFY names, once', async () => {
    const registry = createSocketRegistry({
      db: database.db,
      logger: silentLogger,
      revalidate: async () => new Map(),
      intervalMs: 60_000,
    });
    await registry.start();
    const a = socket({ sessionId: 's1', userId: 'u1' });
    const b = socket({ tokenId: 't1', userId: 'u2' });
    const c = socket({ sessionId: 's3', userId: 'u2' });
    for (const x of [a, b, c]) registry.add(x.s);
    await database.db.notify(REVOCATION_CHANNEL, JSON.stringify({ kind: 'session', id: 's1' }));
    await expect.poll(() => a.ended).toEqual(['session_revoked']);
    await database.db.notify(
      REVOCATION_CHANNEL,
      JSON.stringify({ kind: 'user', id: 'u2', reason: 'user_suspended' }),
    );
    await expect.poll(() => [b.ended, c.ended]).toEqual([['user_suspended'], ['user_suspended']]);
    await database.db.notify(REVOCATION_CHANNEL, JSON.stringify({ kind: 'session', id: 's1' }));
    expect(registry.size()).toBe(0);
    expect(a.ended).toEqual(['session_revoked']);
    await registry.stop();
  });

  it('the periodic sweep closes sockets whose credential is no longer valid', async () => {
    const revoked = socket({ tokenId: 't9', userId: 'u9' });
    const fine = socket({ sessionId: 's9', userId: 'u8' });
    const registry = createSocketRegistry({
      db: database.db,
      logger: silentLogger,
      revalidate: async (sockets) =>
        new Map(
          sockets.filter((s) => s.tokenId === 't9').map((s) => [s, 'token_revoked'] as const),
        ),
      intervalMs: 50,
    });
    registry.add(revoked.s);
    const untrack = registry.add(fine.s);
    await registry.start();
    await expect.poll(() => revoked.ended).toEqual(['token_revoked']);
    expect(fine.ended).toEqual([]);
    untrack();
    expect(registry.size()).toBe(0);
    await registry.stop();
  });
});
