// SIEM webhook (audit.md §13): batches of committed events POSTed in seq order, HMAC-signed, driven
// by `audit.webhook_cursor` (last delivered seq). Any 2xx advances the cursor; anything else is
// retried with backoff, forever. At-least-once: two replicas may send the same batch (receivers
// deduplicate on chain_id + seq), but the cursor only moves forward from where it was read.
// There is no job queue yet: this small durable loop should become the `audit:webhook` job.
import { createHmac, randomUUID } from 'node:crypto';
import type { Config } from '../../config/types.js';
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logging/logger.js';
import { stdoutShape } from '../stdout-lines.js';
import { EVENT_SELECT, rowToEvent } from '../store/event-rows.js';

export type WebhookConfig = NonNullable<Config['audit']['webhook']>;

export interface WebhookOptions {
  readonly db: Database;
  readonly logger: Logger;
  readonly chainId: string;
  readonly webhook: WebhookConfig;
}

export type DeliveryResult = 'idle' | 'delivered' | 'failed';

const MAX_BACKOFF_MS = 5 * 60_000;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookDelivery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly o: WebhookOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Called after each commit: a partial batch goes out within AUDIT_WEBHOOK_FLUSH_SECONDS. */
  wake(): void {
    if (this.timer === undefined && this.running === null && this.failures === 0) {
      this.schedule(this.o.webhook.flushSeconds * 1000);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Delivers the next batch after the cursor (one POST). */
  async deliverOnce(): Promise<DeliveryResult> {
    const { db, chainId, webhook } = this.o;
    await db.query(
      'INSERT INTO audit.webhook_cursor (chain_id) VALUES ($1) ON CONFLICT (chain_id) DO NOTHING',
      [chainId],
    );
    const cursor = await db.query<{ last_seq: string }>(
      'SELECT last_seq::text AS last_seq FROM audit.webhook_cursor WHERE chain_id = $1',
      [chainId],
    );
    const from = Number(cursor[0]?.last_seq ?? 0);
    const rows = await db.query(
      `SELECT ${EVENT_SELECT} FROM audit.audit_event e WHERE e.chain_id = $1 AND e.seq > $2
       ORDER BY e.seq LIMIT $3`,
      [chainId, from, webhook.batchMax],
    );
    if (rows.length === 0) return 'idle';
    const events = rows.map(rowToEvent);
    const first = events[0]?.seq ?? from + 1;
    const last = events[events.length - 1]?.seq ?? from;
    const batchId = randomUUID();
    const body = JSON.stringify({
      chain_id: chainId,
      batch_id: batchId,
      first_seq: first,
      last_seq: last,
      events: events.map(stdoutShape),
    });
    const error = await this.post(body, batchId);
    if (error === null) {
      await db.query(
        `UPDATE audit.webhook_cursor SET last_seq = $3, attempts = 0, last_error = '', updated_at = now()
         WHERE chain_id = $1 AND last_seq = $2`,
        [chainId, from, last],
      );
      return 'delivered';
    }
    await db.query(
      `UPDATE audit.webhook_cursor SET attempts = attempts + 1, last_error = $2, updated_at = now()
       WHERE chain_id = $1`,
      [chainId, error],
    );
    return 'failed';
  }

  private async post(body: string, batchId: string): Promise<string | null> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(this.o.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-rgw-timestamp': timestamp,
          'x-rgw-batch-id': batchId,
          'x-rgw-signature': signWebhook(this.o.webhook.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.o.webhook.timeoutSeconds * 1000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = null;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let result: DeliveryResult = 'delivered';
    try {
      while (result === 'delivered' && !this.closed) result = await this.deliverOnce();
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'audit webhook: database error');
      result = 'failed';
    }
    if (result === 'failed') {
      this.failures += 1;
      this.o.logger.warn({ attempts: this.failures }, 'audit webhook delivery failed; retrying');
      this.schedule(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures - 1, 16)));
      return;
    }
    this.failures = 0;
  }
}
