// The credential cache's own guarantees (issue 16), on the suite's database: a notice committed by
// this replica is heard before its commit returns (so the next request already sees it) and only
// once (LISTEN's copy is recognised), a lookup
// that raced a revocation is not remembered, and the number of entries stays bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialCache } from '../../src/identity/credential-cache.js';
import { REVOCATION_CHANNEL } from '../../src/identity/sessions/session-store.js';
import { TestClock } from '../support/test-clock.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';

describe('credential cache bounds', () => {
  let database: TestDatabase;
  const clock = new TestClock();
  beforeAll(async () => {
    database = await createTestDb();
  });
  afterAll(async () => database?.close());

  it("hears a notice of this replica's transaction before the transaction returns, once", async () => {
    const heard: string[] = [];
    const stop = await database.db.listen(REVOCATION_CHANNEL, (p) => heard.push(p));
    await database.db.transaction((tx) => tx.notify(REVOCATION_CHANNEL, 'in-transaction'));
    expect(heard).toEqual(['in-transaction']);
    await database.db.notify(REVOCATION_CHANNEL, 'outside');
    expect(heard).toEqual(['in-transaction', 'outside']);
    // Notices arrive in commit order: once this marker is back, so are the copies of those two.
    await database.db.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, 'marker']);
    await expect.poll(() => heard.at(-1)).toBe('marker');
    expect(heard).toEqual(['in-transaction', 'outside', 'marker']);
    await stop();
  });

  it('does not remember a lookup that a revocation overtook', async () => {
    const cache = createCredentialCache({ db: database.db, clock, logger: silentLogger });
    await cache.start();
    const sessions = cache.partition<string>();
    const ticket = sessions.ticket();
    // The lookup read the session, then its revocation committed before the answer was kept.
    await database.db.notify(REVOCATION_CHANNEL, JSON.stringify({ kind: 'session', id: 's1' }));
    sessions.set('hash-1', ['session:s1'], 'still valid', ticket);
    expect(sessions.get('hash-1')).toBeUndefined();
    sessions.set('hash-1', ['session:s1'], 'valid', sessions.ticket());
    expect(sessions.get('hash-1')).toBe('valid');
    await cache.stop();
  });

  it('keeps at most its bound of entries, dropping the least recently used', async () => {
    const cache = createCredentialCache({
      db: database.db,
      clock,
      logger: silentLogger,
      maxEntries: 2,
    });
    await cache.start();
    const tokens = cache.partition<number>();
    tokens.set('a', ['token:a'], 1, tokens.ticket());
    tokens.set('b', ['token:b'], 2, tokens.ticket());
    expect(tokens.get('a')).toBe(1);
    tokens.set('c', ['token:c'], 3, tokens.ticket());
    expect([tokens.get('a'), tokens.get('b'), tokens.get('c')]).toEqual([1, undefined, 3]);
    await cache.stop();
  });
});
