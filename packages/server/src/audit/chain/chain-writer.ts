// THE chain writer of a process (audit.md §5). Producers enqueue; one drain loop commits batches of
// up to AUDIT_BATCH_MAX_EVENTS (after AUDIT_BATCH_LINGER_MS, 0 by default); events arriving
// meanwhile wait for the next batch, so batches grow with the load. An event someone waits for (a
// mutation's) commits at once; a batch of reads only, which nobody waits for, gathers for up to
// AUDIT_READ_LINGER_MS first, so light read traffic does not pay one commit per request. A failed
// batch is retried after 50, 200 and 800 ms; then the writer is
// unhealthy, waiting mutations are rejected and the events stay at the head of the queue, retried
// every second until the store takes them. Nothing is ever dropped from the queue.
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logging/logger.js';
import { type BatchContext, type BatchResult, commitBatch } from './commit-batch.js';
import type { PendingFields, StoredEvent } from './event-fields.js';
import { ChainTruncatedError } from './head-witness.js';

export interface ChainWriterOptions {
  readonly db: Database;
  readonly batch: BatchContext;
  readonly logger: Logger;
  readonly batchMaxEvents: number;
  readonly batchLingerMs: number;
  /** How long a batch of reads only may wait for more events (0: commit at once). */
  readonly readLingerMs?: number;
  readonly queueMax: number;
  readonly retryDelaysMs?: readonly number[];
  readonly recoveryIntervalMs?: number;
  readonly probeIntervalMs?: number;
}

interface Waiter {
  resolve(event: StoredEvent): void;
  reject(err: Error): void;
}

interface QueueItem {
  readonly fields: PendingFields;
  waiter: Waiter | null;
}

export type CommitListener = (result: BatchResult) => void;

export class AuditWriteError extends Error {
  constructor(cause: unknown) {
    super('the audit store did not accept the event; it stays queued and will be retried', {
      cause,
    });
    this.name = 'AuditWriteError';
  }
}

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class ChainWriter {
  private readonly queue: QueueItem[] = [];
  private readonly listeners: CommitListener[] = [];
  private spaceWaiters: (() => void)[] = [];
  private draining: Promise<void> | null = null;
  private storeOk = true;
  private halted = false;
  private probeTimer: NodeJS.Timeout | undefined;
  /** Ends the current read linger early (a waited-for event arrived, or the batch is full). */
  private wake: (() => void) | null = null;

  constructor(private readonly options: ChainWriterOptions) {}

  /** Starts the idle probe (SELECT on the store's insert privilege every 5 s). */
  start(): void {
    const every = this.options.probeIntervalMs ?? 5000;
    this.probeTimer = setInterval(() => void this.probe(), every);
    this.probeTimer.unref();
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** Healthy: the last batch or idle probe succeeded and the queue is below 90 % of capacity. */
  healthy(): boolean {
    return this.storeOk && !this.halted && this.queue.length < this.options.queueMax * 0.9;
  }

  queueLength(): number {
    return this.queue.length;
  }

  hasSpace(): boolean {
    return this.queue.length < this.options.queueMax;
  }

  /** Resolves true once the queue has room, false after `timeoutMs`. */
  waitForSpace(timeoutMs: number): Promise<boolean> {
    if (this.hasSpace()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.spaceWaiters = this.spaceWaiters.filter((w) => w !== onSpace);
        resolve(false);
      }, timeoutMs);
      const onSpace = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.spaceWaiters.push(onSpace);
    });
  }

  /** Queues an event; the promise (when `wait`) settles on commit or on a terminal batch failure. */
  enqueue(fields: PendingFields, wait: boolean): Promise<StoredEvent> | null {
    const item: QueueItem = { fields, waiter: null };
    const committed = wait
      ? new Promise<StoredEvent>((resolve, reject) => {
          item.waiter = { resolve, reject };
        })
      : null;
    this.queue.push(item);
    if (wait || this.queue.length >= this.options.batchMaxEvents) this.wake?.();
    this.kick();
    return committed;
  }

  /** Runs one batch now (possibly empty: creates the chain or rotates the key when due). */
  async commitNow(): Promise<BatchResult> {
    await this.draining;
    const result = await commitBatch(this.options.db, this.options.batch, []);
    this.emit(result);
    return result;
  }

  /**
   * Flushes for up to `timeoutMs`, then stops. Returns the events that could not be committed
   * (the caller prints each as an `audit_unflushed` line).
   */
  async close(timeoutMs: number): Promise<PendingFields[]> {
    clearInterval(this.probeTimer);
    this.wake?.();
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      this.kick();
      await Promise.race([this.draining, delay(Math.max(1, deadline - Date.now()))]);
      if (this.queue.length > 0 && !this.storeOk) await delay(Math.min(100, timeoutMs));
    }
    this.halted = true;
    const left = this.queue.splice(0).map((i) => i.fields);
    return left;
  }

  private kick(): void {
    if (this.draining !== null || this.halted) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queue.length > 0 && !this.halted) this.kick();
    });
  }

  /** Waits before a batch: the configured linger, then, for reads only, the read linger. */
  private async linger(): Promise<void> {
    const { batchMaxEvents, batchLingerMs, readLingerMs = 0 } = this.options;
    if (this.queue.length >= batchMaxEvents) return;
    if (batchLingerMs > 0) await delay(batchLingerMs);
    if (readLingerMs <= 0 || this.queue.length >= batchMaxEvents) return;
    if (this.queue.some((i) => i.waiter !== null)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, readLingerMs);
      this.wake = done;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.halted) {
      await this.linger();
      const batch = this.queue.slice(0, this.options.batchMaxEvents);
      const result = await this.commitWithRetries(batch);
      if (result === null) {
        await delay(this.options.recoveryIntervalMs ?? 1000);
        continue;
      }
      this.queue.splice(0, batch.length);
      this.storeOk = true;
      this.settle(batch, result);
    }
  }

  private async commitWithRetries(batch: readonly QueueItem[]): Promise<BatchResult | null> {
    const delays = this.storeOk ? (this.options.retryDelaysMs ?? [50, 200, 800]) : [];
    let lastError: unknown;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await delay(delays[attempt - 1] ?? 0);
      try {
        return await commitBatch(
          this.options.db,
          this.options.batch,
          batch.map((i) => i.fields),
        );
      } catch (err) {
        lastError = err;
      }
    }
    this.markUnhealthy(lastError);
    return null;
  }

  private markUnhealthy(err: unknown): void {
    if (this.storeOk && err instanceof ChainTruncatedError) {
      this.options.logger.error(
        { security_alert: true, chain_id: err.chainId, queued: this.queue.length },
        err.message,
      );
    } else if (this.storeOk) {
      this.options.logger.error(
        { err: (err as Error)?.message, queued: this.queue.length },
        'audit store unavailable: events stay queued and are retried every second',
      );
    }
    this.storeOk = false;
    for (const item of this.queue) {
      item.waiter?.reject(new AuditWriteError(err));
      item.waiter = null;
    }
  }

  private settle(batch: readonly QueueItem[], result: BatchResult): void {
    const offset = result.events.length - batch.length;
    batch.forEach((item, i) => {
      const event = result.events[offset + i];
      if (event !== undefined) item.waiter?.resolve(event);
    });
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
    this.emit(result);
  }

  private emit(result: BatchResult): void {
    if (result.events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(result);
      } catch (err) {
        this.options.logger.error({ err }, 'audit commit listener failed');
      }
    }
  }

  private async probe(): Promise<void> {
    if (this.queue.length > 0 || this.halted) return;
    try {
      const rows = await this.options.db.query<{ ok: boolean }>(
        `SELECT has_table_privilege('audit.audit_event', 'INSERT') AS ok`,
      );
      this.storeOk = rows[0]?.ok === true;
    } catch {
      this.storeOk = false;
    }
  }
}
