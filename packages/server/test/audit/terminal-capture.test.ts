// audit.md §16 and acceptance check 11: frames of both directions replay in order with their times,
// capture_sha256 recomputes from the stored frames, output past the cap sets `truncated`, the exit
// code comes from the Convox trailer, and a storage failure is reported (fail closed).
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { frameDigestPart } from '../../src/audit/capture/capture-session.js';
import { terminalFrames, terminalSession } from '../../src/audit/capture/replay.js';
import { TerminalCapture } from '../../src/audit/capture/terminal-capture.js';
import type { Database } from '../../src/db/database.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';

let tdb: TestDatabase;
let clockMs = 1_700_000_000_000;
const now = () => clockMs;

beforeEach(async () => {
  tdb = await createTestDb();
  clockMs = 1_700_000_000_000;
});
afterEach(async () => {
  await tdb.close();
});

const actor = { actorType: 'user' as const, userEmail: 'ops@example.com', userName: 'Ops User' };
const open = (capture: TerminalCapture) =>
  capture.open({
    app: 'web',
    processId: 'web-1',
    command: 'bash -c "echo $DB_PASSWORD"',
    tty: true,
    actor,
  });

async function storedFrames(db: Database, id: string) {
  const session = (await terminalSession(db, id)) ?? {};
  let text = '';
  for await (const chunk of terminalFrames(db, session, 'jsonl', 2)) text += chunk;
  return text
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { idx: number; t_ms: number; dir: 'i' | 'o'; data_b64: string });
}

describe('terminal capture', () => {
  it('stores both directions in order with times, the exit code and a verifiable sha256', async () => {
    const capture = new TerminalCapture({ db: tdb.db, maxBytes: 1 << 20, retentionDays: 400, now });
    const s = await open(capture);
    s.record('i', Buffer.from('echo hi\n'));
    clockMs += 250;
    s.record('o', Buffer.from('hi\r\nF1E49A85-0AD7-4AEF-A618'));
    clockMs += 10;
    s.record('o', Buffer.from('-C249C6E6568D:42'));
    clockMs += 40;
    const summary = await s.close('upstream');
    expect(summary).toMatchObject({
      exit_code: 42,
      bytes_in: 8,
      bytes_out: 43,
      captured_bytes: 51,
      truncated: false,
      duration_ms: 300,
      close_reason: 'upstream',
    });
    const frames = await storedFrames(tdb.db, s.id);
    expect(frames.map((f) => [f.idx, f.t_ms, f.dir])).toEqual([
      [0, 0, 'i'],
      [1, 250, 'o'],
      [2, 260, 'o'],
    ]);
    const digest = createHash('sha256');
    for (const f of frames)
      digest.update(
        frameDigestPart({
          idx: f.idx,
          tMs: f.t_ms,
          dir: f.dir,
          data: Buffer.from(f.data_b64, 'base64'),
        }),
      );
    expect(digest.digest('hex')).toBe(summary.capture_sha256);
    const meta = await terminalSession(tdb.db, s.id);
    expect(meta).toMatchObject({
      capture_sha256: summary.capture_sha256,
      exit_code: 42,
      frame_count: 3,
      truncated: false,
    });
    expect(meta?.command).toBe('bash -c "echo $DB_PASSWORD"');
  });

  it('counts but does not store frames past the size cap, and marks the session truncated', async () => {
    const capture = new TerminalCapture({ db: tdb.db, maxBytes: 100, retentionDays: 400, now });
    const s = await open(capture);
    for (let i = 0; i < 5; i++) s.record('o', Buffer.alloc(30, 65 + i));
    const summary = await s.close('client');
    expect(summary).toMatchObject({ bytes_out: 150, captured_bytes: 90, truncated: true });
    expect((await storedFrames(tdb.db, s.id)).map((f) => f.idx)).toEqual([0, 1, 2]);
  });

  it('flushes buffered frames once 64 KiB are pending', async () => {
    const capture = new TerminalCapture({ db: tdb.db, maxBytes: 1 << 20, retentionDays: 400, now });
    const s = await open(capture);
    s.record('o', Buffer.alloc(70 * 1024, 66));
    await expect.poll(async () => (await storedFrames(tdb.db, s.id)).length).toBe(1);
    await s.close('client');
  });

  it('reports a storage failure so the proxy can close the socket (capture_failed)', async () => {
    const failing: Database = {
      ...tdb.db,
      query: async (text, params) => {
        if (text.includes('terminal_frame')) throw new Error('disk full');
        return tdb.db.query(text, params);
      },
    };
    const capture = new TerminalCapture({
      db: failing,
      maxBytes: 1 << 20,
      retentionDays: 400,
      now,
    });
    const s = await open(capture);
    const failures: string[] = [];
    s.onFailure((err) => failures.push(err.message));
    s.record('i', Buffer.from('x'));
    await s.flush();
    expect(failures).toEqual(['disk full']);
    expect((await s.close('client')).close_reason).toBe('capture_failed');
  });

  it('keeps frames within retention and purges them after it', async () => {
    const capture = new TerminalCapture({
      db: tdb.db,
      maxBytes: 1 << 20,
      retentionDays: 400,
      now: Date.now,
    });
    const s = await open(capture);
    s.record('o', Buffer.from('x'));
    await s.close('client');
    expect(await capture.purgeExpiredFrames()).toBe(0);
    const old = new TerminalCapture({
      db: tdb.db,
      maxBytes: 1 << 20,
      retentionDays: 1,
      now: () => Date.now() - 3 * 86_400_000,
    });
    const o = await open(old);
    o.record('o', Buffer.from('y'));
    await o.close('client');
    expect(await capture.purgeExpiredFrames()).toBe(1);
    expect(await storedFrames(tdb.db, s.id)).toHaveLength(1);
  });
});
