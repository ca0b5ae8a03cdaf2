// audit.md §13 and acceptance check 12: signed batches in seq order from the cursor; a receiver
// outage is retried until every event arrives, in order, without gaps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { signWebhook, WebhookDelivery } from '../../src/audit/webhook/webhook-delivery.js';
import { systemClock } from '../../src/lib/clock.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';
import { type Receiver, startReceiver } from './receiver.js';
import { CHAIN, makeWriter, sampleEvent } from './support.js';

const SECRET = 'w'.repeat(40);

let tdb: TestDatabase;
let receiver: Receiver;
beforeEach(async () => {
  tdb = await createTestDb();
  receiver = await startReceiver();
  const writer = makeWriter(tdb.db);
  const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
  for (let i = 0; i < 11; i++) await log.append(sampleEvent(i), { durable: true });
  await writer.close(5000);
});
afterEach(async () => {
  await receiver.close();
  await tdb.close();
});

const delivery = (batchMax = 5) =>
  new WebhookDelivery({
    db: tdb.db,
    logger: silentLogger,
    chainId: CHAIN,
    webhook: { url: receiver.url, secret: SECRET, batchMax, flushSeconds: 0, timeoutSeconds: 5 },
  });

const seqsOf = (r: Receiver) =>
  r.batches.flatMap((b) =>
    (JSON.parse(b.body) as { events: { seq: number }[] }).events.map((e) => e.seq),
  );

describe('SIEM webhook', () => {
  it('sends signed batches in seq order and advances the cursor', async () => {
    const d = delivery();
    expect(await d.deliverOnce()).toBe('delivered');
    expect(await d.deliverOnce()).toBe('delivered');
    expect(await d.deliverOnce()).toBe('delivered');
    expect(await d.deliverOnce()).toBe('idle');
    expect(seqsOf(receiver)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const first = receiver.batches[0];
    const body = JSON.parse(first?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ chain_id: CHAIN, first_seq: 1, last_seq: 5 });
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['x-rgw-batch-id']).toBe(body.batch_id);
    const ts = String(first?.headers['x-rgw-timestamp']);
    expect(first?.headers['x-rgw-signature']).toBe(signWebhook(SECRET, ts, first?.body ?? ''));
    const cursor = await tdb.db.query<{ last_seq: string }>(
      'SELECT last_seq::text AS last_seq FROM audit.webhook_cursor',
    );
    expect(cursor[0]?.last_seq).toBe('12');
  });

  it('retries through a receiver outage and then delivers everything in order', async () => {
    receiver.status = 503;
    const d = delivery(4);
    expect(await d.deliverOnce()).toBe('failed');
    const state = await tdb.db.query<{ last_seq: string; attempts: number; last_error: string }>(
      'SELECT last_seq::text AS last_seq, attempts, last_error FROM audit.webhook_cursor',
    );
    expect(state[0]).toMatchObject({ last_seq: '0', attempts: 1, last_error: 'HTTP 503' });
    const attempts = async () =>
      (await tdb.db.query<{ attempts: number }>('SELECT attempts FROM audit.webhook_cursor'))[0]
        ?.attempts;
    d.start();
    await expect.poll(attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(receiver.batches).toHaveLength(0);
    receiver.status = 200;
    await expect
      .poll(() => seqsOf(receiver).length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(12);
    await d.close();
    const seqs = seqsOf(receiver);
    expect([...new Set(seqs)]).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
