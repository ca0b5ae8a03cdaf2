// audit.md §4-5: genesis, gap-free group commit, key rotation, start-up checks and the failure
// behaviour of the chain writer, on the suite's database (PGlite or PostgreSQL).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOT_RECORDED_READ } from '../../src/audit/audit-errors.js';
import { checkChainId, checkKeyReuse } from '../../src/audit/chain/chain-setup.js';
import { AuditWriteError } from '../../src/audit/chain/chain-writer.js';
import { genesisHash } from '../../src/audit/chain/encoding.js';
import { createKeyring } from '../../src/audit/chain/keys.js';
import { normaliseEvent } from '../../src/audit/chain/normalise.js';
import { chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { walkChain } from '../../src/audit/verify/verify-chain.js';
import type { Database } from '../../src/db/database.js';
import { systemClock } from '../../src/lib/clock.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { CHAIN, eventCount, KEY, KEYRING, makeWriter, sampleEvent } from './support.js';

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await createTestDb();
});
afterEach(async () => {
  await tdb.close();
});

const pending = (i: number) => normaliseEvent(sampleEvent(i), new Date());

describe('chain writer', () => {
  it('starts the chain with audit.chain.create linked to the genesis hash', async () => {
    const writer = makeWriter(tdb.db);
    const result = await writer.commitNow();
    expect(result.events).toHaveLength(1);
    const first = result.events[0];
    expect(first?.seq).toBe(1);
    expect(first?.action).toBe('audit.chain.create');
    expect(first?.previousHash.equals(genesisHash(CHAIN))).toBe(true);
    expect(JSON.parse(first?.details ?? '{}')).toEqual({
      genesis_hash: genesisHash(CHAIN).toString('hex'),
    });
    expect((await writer.commitNow()).events).toHaveLength(0);
    await writer.close(1000);
  });

  it('lets a batch of reads gather (AUDIT_READ_LINGER_MS); a mutation ends the wait at once and commits with them', async () => {
    // A linger far longer than the test: only the waited-for event can end it.
    const writer = makeWriter(tdb.db, { batchLingerMs: 0, readLingerMs: 60_000 });
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    await writer.commitNow();
    const batches: number[] = [];
    writer.onCommit((r) => batches.push(r.events.length));
    await log.append(sampleEvent(1), { durable: false });
    await log.append(sampleEvent(2), { durable: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(batches).toEqual([]);
    expect(await eventCount(tdb.db)).toBe(1);
    await log.append(sampleEvent(3), { durable: true });
    expect(batches).toEqual([3]);
    expect(await eventCount(tdb.db)).toBe(4);
    // Reads left lingering are flushed when the writer closes.
    await log.append(sampleEvent(4), { durable: false });
    expect(await writer.close(5000)).toEqual([]);
    expect(await eventCount(tdb.db)).toBe(5);
  });

  it('commits concurrent producers as one gap-free chain that verifies', async () => {
    const writer = makeWriter(tdb.db, { batchMaxEvents: 50 });
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    await Promise.all(
      Array.from({ length: 10 }, (_, p) =>
        (async () => {
          for (let i = 0; i < 30; i++)
            await log.append(sampleEvent(p * 100 + i), { durable: i % 2 === 0 });
        })(),
      ),
    );
    await writer.close(10_000);
    expect(await eventCount(tdb.db)).toBe(301);
    const seqs = await tdb.db.query<{ seq: string }>(
      'SELECT e.seq::text AS seq FROM audit.audit_event e ORDER BY e.seq',
    );
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    const walk = await walkChain(tdb.db, { chainId: CHAIN, keyring: KEYRING, batchSize: 64 });
    expect(walk.firstBreak).toBeNull();
    expect(walk.checkedEvents).toBe(301);
    expect(walk.head?.seq).toBe(301);
  });

  it('keeps ts non-decreasing and resolves durable appends with the committed event', async () => {
    const writer = makeWriter(tdb.db);
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    const a = await log.appendCommitted(sampleEvent(1));
    const b = await log.appendCommitted(sampleEvent(2));
    expect(b.seq).toBe(a.seq + 1);
    expect(b.tsUs).toBeGreaterThanOrEqual(a.tsUs);
    expect(b.previousHash.equals(a.eventHash)).toBe(true);
    await writer.close(1000);
  });

  it('appends audit.key.rotate signed with the new key when the key id changes', async () => {
    const w1 = makeWriter(tdb.db);
    await w1.commitNow();
    w1.enqueue(pending(1), true);
    await w1.close(5000);
    const k2 = { id: 'k2', secret: Buffer.from('c'.repeat(64)) };
    const w2 = makeWriter(tdb.db, { keyring: createKeyring(k2, [KEY]) });
    const rotated = await w2.commitNow();
    expect(rotated.rotated).toBe(true);
    expect(rotated.events[0]?.action).toBe('audit.key.rotate');
    expect(rotated.events[0]?.keyId).toBe('k2');
    expect(JSON.parse(rotated.events[0]?.details ?? '{}')).toEqual({
      previous_key_id: 'k1',
      new_key_id: 'k2',
    });
    await w2.close(1000);
    const full = await walkChain(tdb.db, { chainId: CHAIN, keyring: createKeyring(k2, [KEY]) });
    expect(full.firstBreak).toBeNull();
    const withoutOld = await walkChain(tdb.db, { chainId: CHAIN, keyring: createKeyring(k2) });
    expect(withoutOld.firstBreak).toMatchObject({ seq: 1, reason: 'unknown_key' });
  });

  it('refuses a reused key id with another secret and a changed chain id', async () => {
    const writer = makeWriter(tdb.db);
    await writer.commitNow();
    await writer.close(1000);
    await expect(checkKeyReuse(tdb.db, CHAIN, KEYRING)).resolves.toBeUndefined();
    const impostor = createKeyring({ id: 'k1', secret: Buffer.from('d'.repeat(64)) });
    await expect(checkKeyReuse(tdb.db, CHAIN, impostor)).rejects.toThrow(/AUDIT_HMAC_KEY_ID "k1"/);
    await expect(checkChainId(tdb.db, CHAIN)).resolves.toBeUndefined();
    await expect(checkChainId(tdb.db, 'rgw-other')).rejects.toThrow(
      /AUDIT_CHAIN_ID is "rgw-other" but this database holds the audit chain "rgw-test"/,
    );
  });
});

/** A database whose transactions fail while `down` is set (the audit store refusing writes). */
function flaky(db: Database): { db: Database; down: boolean } {
  const state = { down: false, db: db as Database };
  state.db = {
    ...db,
    transaction: (fn) =>
      state.down ? Promise.reject(new Error('store down')) : db.transaction(fn),
  };
  return state;
}

describe('chain writer failures (audit.md §5.3)', () => {
  it('rejects waiting mutations, keeps the events queued and commits them on recovery', async () => {
    const store = flaky(tdb.db);
    const writer = makeWriter(store.db, { retryDelaysMs: [1, 1, 1], recoveryIntervalMs: 20 });
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    await writer.commitNow();
    store.down = true;
    const mutation = log.append(sampleEvent(1), { durable: true });
    await expect(mutation).rejects.toMatchObject({ code: 'audit_unavailable', status: 503 });
    expect(writer.healthy()).toBe(false);
    await log.append(sampleEvent(2), { durable: false });
    expect(writer.queueLength()).toBe(2);
    store.down = false;
    await expect.poll(() => writer.queueLength(), { timeout: 5000 }).toBe(0);
    expect(writer.healthy()).toBe(true);
    expect(await eventCount(tdb.db)).toBe(3);
    await writer.close(1000);
  });

  it('times a durable append out with 503 after AUDIT_APPEND_TIMEOUT_MS; the event stays queued', async () => {
    const store = flaky(tdb.db);
    const writer = makeWriter(store.db, { retryDelaysMs: [1000, 1000, 1000] });
    const log = chainAuditLog(writer, { appendTimeoutMs: 50, clock: systemClock });
    store.down = true;
    await expect(log.append(sampleEvent(1), { durable: true })).rejects.toThrow(
      /reached the rack but could not be recorded/,
    );
    expect(writer.queueLength()).toBe(1);
    const left = await writer.close(10);
    expect(left).toHaveLength(1);
    expect(left[0]?.requestId).toBe('req-1');
  });

  it('applies backpressure to reads when the queue is full', async () => {
    const store = flaky(tdb.db);
    const writer = makeWriter(store.db, { queueMax: 2, retryDelaysMs: [], recoveryIntervalMs: 20 });
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    store.down = true;
    await log.append(sampleEvent(1), { durable: false });
    await log.append(sampleEvent(2), { durable: false });
    expect(writer.healthy()).toBe(false);
    const third = log.append(sampleEvent(3), { durable: false });
    store.down = false;
    await third;
    await expect.poll(() => writer.queueLength(), { timeout: 5000 }).toBe(0);
    expect(await eventCount(tdb.db)).toBe(4);
    await writer.close(1000);
  });

  it('never drops a read under load: producers wait for room and every event commits', async () => {
    // A slow store (each batch holds its transaction 15 ms) and a queue of 25 for 1000 reads.
    const slow: Database = {
      ...tdb.db,
      transaction: (fn) =>
        tdb.db.transaction(async (tx) => {
          await new Promise((r) => setTimeout(r, 15));
          return fn(tx);
        }),
    };
    const writer = makeWriter(slow, { queueMax: 25, batchMaxEvents: 10 });
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    let longest = 0;
    await Promise.all(
      Array.from({ length: 40 }, (_, p) =>
        (async () => {
          for (let i = 0; i < 25; i++) {
            await log.append(sampleEvent(p * 100 + i), { durable: false });
            longest = Math.max(longest, writer.queueLength());
          }
        })(),
      ),
    );
    expect(longest).toBeLessThanOrEqual(25);
    await writer.close(30_000);
    expect(await eventCount(tdb.db)).toBe(1001);
    const walk = await walkChain(tdb.db, { chainId: CHAIN, keyring: KEYRING });
    expect(walk).toMatchObject({ firstBreak: null, checkedEvents: 1001 });
  });

  it('prints a read the full queue never took as audit_unflushed, and refuses it with 503', async () => {
    const store = flaky(tdb.db);
    const writer = makeWriter(store.db, { queueMax: 1, retryDelaysMs: [], recoveryIntervalMs: 20 });
    const unqueued: string[] = [];
    const log = chainAuditLog(writer, {
      appendTimeoutMs: 10_000,
      clock: systemClock,
      onUnqueued: (fields) => unqueued.push(fields.requestId),
    });
    store.down = true;
    await log.append(sampleEvent(1), { durable: false });
    await expect(log.append(sampleEvent(2), { durable: false })).rejects.toMatchObject({
      code: 'audit_unavailable',
      message: NOT_RECORDED_READ,
    });
    expect(unqueued).toEqual(['req-2']);
    store.down = false;
    await writer.close(5000);
    expect(await eventCount(tdb.db)).toBe(2);
  });

  it('refuses an invalid event at the producer without failing the batch', async () => {
    const writer = makeWriter(tdb.db);
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    await expect(
      log.append(sampleEvent(1, { userId: 'not-a-uuid' }), { durable: true }),
    ).rejects.toThrow(/UUID/);
    await log.append(sampleEvent(2), { durable: true });
    expect(await eventCount(tdb.db)).toBe(2);
    await writer.close(1000);
  });

  it('reports AuditWriteError as the cause of a rejected mutation', () => {
    expect(new AuditWriteError(new Error('x')).message).toMatch(/stays queued/);
  });
});
