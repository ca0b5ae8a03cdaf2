// When anchors are written (audit.md §14): at start, every AUDIT_ANCHOR_INTERVAL_MINUTES (even if
// the head did not move), every AUDIT_ANCHOR_EVERY_EVENTS events, on key rotation and on demand.
// Triggers run one at a time in this process (the advisory lock serialises replicas); a failed
// background trigger is retried with backoff, and three consecutive failures raise a security
// alert in the log. There is no job queue yet: this in-process scheduler should move onto it.
import type { Logger } from '../../logging/logger.js';
import type { BatchResult } from '../chain/commit-batch.js';
import { lastAnchor } from './anchor-ledger.js';
import type { AnchorTrigger } from './anchor-payload.js';
import {
  type AnchorContext,
  type AnchorOutcome,
  recordAnchorFailure,
  writeAnchor,
} from './anchor-writer.js';

export class ObjectLockMissingError extends Error {
  constructor(bucket: string) {
    super(
      `AUDIT_ANCHOR_BUCKET "${bucket}" does not have S3 Object Lock enabled; anchors would not be ` +
        'tamper-proof. Enable Object Lock on the bucket, or set AUDIT_ANCHOR_REQUIRE_OBJECT_LOCK=false.',
    );
    this.name = 'ObjectLockMissingError';
  }
}

const MAX_BACKOFF_MS = 5 * 60_000;

export class AnchorService {
  private chain: Promise<unknown> = Promise.resolve();
  private lastAnchoredSeq = 0;
  private failures = 0;
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly ctx: AnchorContext,
    private readonly logger: Logger,
  ) {}

  /** Start-up check: refuse to start without Object Lock unless explicitly allowed. */
  async checkObjectLock(required: boolean): Promise<void> {
    if (await this.ctx.bucket.objectLockEnabled()) return;
    if (required) throw new ObjectLockMissingError(this.ctx.bucket.name);
    this.logger.warn(
      { bucket: this.ctx.bucket.name },
      'AUDIT_ANCHOR_REQUIRE_OBJECT_LOCK=false: anchors are written to a bucket without Object Lock',
    );
  }

  /** Writes the start-up anchor and schedules the hourly one. */
  async start(): Promise<void> {
    this.lastAnchoredSeq = (await lastAnchor(this.ctx.db, this.ctx.chainId))?.seq ?? 0;
    this.schedule('startup', 0);
    const every = setInterval(() => this.schedule('hourly', 0), this.ctx.intervalMinutes * 60_000);
    every.unref();
    this.timers.add(every);
  }

  /** Commit listener: every-N and key-rotation triggers. */
  onCommitted(result: BatchResult): void {
    const head = result.events[result.events.length - 1];
    if (result.rotated) this.schedule('key_rotation', 0);
    else if (head !== undefined && head.seq - this.lastAnchoredSeq >= this.ctx.everyEvents) {
      this.lastAnchoredSeq = head.seq;
      this.schedule('every_n', 0);
    }
  }

  /** Runs a trigger now (after any running one); rejects when the write fails. */
  run(trigger: AnchorTrigger): Promise<AnchorOutcome> {
    const next = this.chain.then(() => this.attempt(trigger));
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.chain;
  }

  private async attempt(trigger: AnchorTrigger): Promise<AnchorOutcome> {
    try {
      const outcome = await writeAnchor(this.ctx, trigger);
      if (outcome.seq !== undefined)
        this.lastAnchoredSeq = Math.max(this.lastAnchoredSeq, outcome.seq);
      this.failures = 0;
      return outcome;
    } catch (err) {
      this.failures += 1;
      await recordAnchorFailure(this.ctx, trigger, err);
      const level = this.failures >= 3 ? 'error' : 'warn';
      this.logger[level](
        {
          err: (err as Error).message,
          trigger,
          consecutive_failures: this.failures,
          security_alert: this.failures >= 3,
        },
        this.failures >= 3
          ? 'SECURITY: audit anchors keep failing'
          : 'audit anchor write failed; retrying',
      );
      throw err;
    }
  }

  private schedule(trigger: AnchorTrigger, retry: number): void {
    if (this.closed) return;
    this.run(trigger).catch(() => {
      const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** retry);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.schedule(trigger, retry + 1);
      }, wait);
      timer.unref();
      this.timers.add(timer);
    });
  }
}
