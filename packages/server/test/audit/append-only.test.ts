// audit.md §2.1 and acceptance check 1: the audit tables refuse UPDATE, DELETE and TRUNCATE through
// database triggers, on PGlite and PostgreSQL alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseEvent } from '../../src/audit/chain/normalise.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { makeWriter, sampleEvent } from './support.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDb();
  const writer = makeWriter(tdb.db);
  writer.enqueue(normaliseEvent(sampleEvent(1), new Date()), true);
  await writer.close(5000);
  await tdb.db.query(
    `INSERT INTO audit.anchor (chain_id, bucket, key, seq, event_hash, sha256, retain_until, trigger)
     VALUES ('rgw-test', 'b', 'k', 1, '\\x00', '\\x00', now(), 'manual')`,
  );
});
afterAll(async () => {
  await tdb.close();
});

describe('append-only audit tables', () => {
  it.each([
    ['UPDATE audit.audit_event SET details = $$x$$'],
    ['DELETE FROM audit.audit_event WHERE seq = 2'],
    ['TRUNCATE audit.audit_event'],
    ['UPDATE audit.chain SET created_at = now()'],
    ['DELETE FROM audit.chain'],
    ['TRUNCATE audit.chain CASCADE'],
    ['UPDATE audit.anchor SET trigger = $$hourly$$'],
    ['DELETE FROM audit.anchor'],
    ['TRUNCATE audit.anchor'],
  ])('%s fails with "append-only"', async (sql) => {
    await expect(tdb.db.query(sql)).rejects.toThrow(/append-only/);
  });

  it('keeps every row after the refused statements', async () => {
    const rows = await tdb.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit.audit_event',
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('closes a terminal session once and keeps frames until their retention ends', async () => {
    const id = '7d0f5f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    await tdb.db.query(
      `INSERT INTO audit.terminal_session (id, app, process_id, command, tty, actor_type, user_email,
         user_name, api_token_name, started_at, retain_until)
       VALUES ($1, 'app', 'p1', 'bash', true, 'user', 'a@example.com', 'A', '', now(), now() + interval '1 day')`,
      [id],
    );
    await tdb.db.query(
      `INSERT INTO audit.terminal_frame (session_id, idx, t_ms, direction, data) VALUES ($1, 0, 0, 'o', '\\x41')`,
      [id],
    );
    await expect(tdb.db.query('UPDATE audit.terminal_frame SET t_ms = 5')).rejects.toThrow(
      /append-only/,
    );
    await expect(tdb.db.query('DELETE FROM audit.terminal_frame')).rejects.toThrow(/append-only/);
    await tdb.db.query(
      'UPDATE audit.terminal_session SET ended_at = now(), exit_code = 0 WHERE id = $1',
      [id],
    );
    await expect(
      tdb.db.query('UPDATE audit.terminal_session SET exit_code = 1 WHERE id = $1', [id]),
    ).rejects.toThrow(/append-only/);
    await expect(tdb.db.query('DELETE FROM audit.terminal_session')).rejects.toThrow(/append-only/);
  });
});
