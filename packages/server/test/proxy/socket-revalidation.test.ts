// The 5 s safety net behind revocation notices (identity.md §15): which open sockets' credentials
// are no longer valid — revoked or aged-out sessions, deleted or expired tokens, locked users.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackedSocket } from '../../src/proxy/socket-registry.js';
import { createSocketRevalidation } from '../../src/proxy/socket-revalidation.js';
import { createSettingsStore, readSettings } from '../../src/settings/settings-store.js';
import { TestClock } from '../support/test-clock.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';

const HOUR = 3_600_000;

describe('socket re-validation', () => {
  let database: TestDatabase;
  const clock = new TestClock();
  let userId: number;
  const userUid = randomUUID();

  const tracked = (ids: { sessionId?: string; tokenId?: string }): TrackedSocket => ({
    kind: 'logs',
    sessionId: ids.sessionId ?? null,
    tokenId: ids.tokenId ?? null,
    userId: userUid,
    terminate: () => undefined,
  });

  async function session(channel: 'web' | 'cli', ageMs: number, revoked = false): Promise<string> {
    const uid = randomUUID();
    const created = new Date(clock.now().getTime() - ageMs);
    await database.db.query(
      `INSERT INTO sessions (uid, user_id, token_hash, channel, created_at, last_seen_at, mfa_state, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $5, 'not_required', $6)`,
      [uid, userId, randomUUID(), channel, created, revoked ? clock.now() : null],
    );
    return uid;
  }

  beforeAll(async () => {
    database = await createTestDb();
    const rows = await database.db.query<{ id: string }>(
      `INSERT INTO users (uid, email, name, roles, created_at, updated_at)
       VALUES ($1, 'reval@example.com', 'Re Val', ARRAY['viewer'], $2, $2) RETURNING id`,
      [userUid, clock.now()],
    );
    userId = Number(rows[0]?.id);
  });
  afterAll(async () => database?.close());

  it('ends sockets of revoked sessions, sessions past their absolute lifetime and unknown tokens', async () => {
    const settings = createSettingsStore({ db: database.db, clock, logger: silentLogger, env: {} });
    const revalidate = createSocketRevalidation(database.db, clock, () => readSettings(settings));
    const values = await readSettings(settings);
    const fresh = tracked({ sessionId: await session('web', HOUR) });
    const revoked = tracked({ sessionId: await session('web', HOUR, true) });
    const aged = tracked({
      sessionId: await session('web', (values.session_absolute_lifetime_hours + 1) * HOUR),
    });
    const cli = tracked({ sessionId: await session('cli', 2 * 24 * HOUR) });
    const gone = tracked({ tokenId: randomUUID() });
    const invalid = await revalidate([fresh, revoked, aged, cli, gone]);
    expect([...invalid.entries()].map(([s, r]) => [s.sessionId ?? s.tokenId, r])).toEqual([
      [revoked.sessionId, 'session_revoked'],
      [aged.sessionId, 'session_revoked'],
      [gone.tokenId, 'token_revoked'],
    ]);
    await database.db.query('UPDATE users SET locked_at = $2 WHERE id = $1', [userId, clock.now()]);
    expect((await revalidate([fresh])).get(fresh)).toBe('user_locked');
  });
});
