// The real AuditLog (audit.md §6) on top of the chain writer. How producers use it:
//
//   Mutations (gateway API and proxied rack mutations, exec open/close):
//     1. `requireAuditHealthy(audit)` BEFORE doing anything: throws 503 audit_unavailable.
//        Rack mutations also `commit` an attempt event (status `attempt`) before forwarding, so a
//        crash while the rack has the request still leaves it in the log.
//     2. do the change (or forward to the rack);
//     3. `await audit.append(event, { durable: true })` BEFORE sending the response: it resolves once
//        the event is committed and throws AuditUnavailableError (503, "reached the rack but could not
//        be recorded") after AUDIT_APPEND_TIMEOUT_MS or when the store fails; the event stays queued.
//   Denials and reads: `await audit.append(event, { durable: false })` — returns once queued, without
//     waiting for the commit (the writer group-commits it with the next batch); if the queue is
//     full it waits up to 5 s (backpressure), then throws AuditUnavailableError (503). Reads await
//     it before answering, so a full queue slows their clients down; denials do not.
//
// An event that never got into the queue (still full after the wait) is handed to `onUnqueued`,
// which prints it as an `audit_unflushed` line: nothing is dropped without such a line.
//
// Events are normalised and redacted here, at the producer, so an invalid event fails its caller
// and never a whole batch.
import type { Clock } from '../lib/clock.js';
import {
  AuditUnavailableError,
  NOT_RECORDED_AFTER,
  NOT_RECORDED_BEFORE,
  NOT_RECORDED_READ,
} from './audit-errors.js';
import type { AuditEventInput, AuditLog } from './audit-log.js';
import type { ChainWriter } from './chain/chain-writer.js';
import type { PendingFields, StoredEvent } from './chain/event-fields.js';
import { normaliseEvent } from './chain/normalise.js';

export const READ_BACKPRESSURE_MS = 5000;

export interface ChainAuditLog extends AuditLog {
  /** Appends durably and returns the committed event (seq, hash). */
  appendCommitted(event: AuditEventInput): Promise<StoredEvent>;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuditUnavailableError(NOT_RECORDED_AFTER)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ChainAuditLogOptions {
  readonly appendTimeoutMs: number;
  readonly clock: Clock;
  /** Receives each event the full queue never took (printed as `audit_unflushed`). */
  readonly onUnqueued?: (fields: PendingFields) => void;
}

export function chainAuditLog(writer: ChainWriter, options: ChainAuditLogOptions): ChainAuditLog {
  // A commit wakes every waiter at once; each checks for room again and enqueues in the same
  // synchronous step, so the queue never grows past AUDIT_QUEUE_MAX however many were waiting.
  // The commit promise comes back wrapped: awaiting admission must not wait for the commit.
  const enqueue = async (
    fields: PendingFields,
    durable: boolean,
  ): Promise<{ committed: Promise<StoredEvent> | null }> => {
    const waitMs = durable ? options.appendTimeoutMs : READ_BACKPRESSURE_MS;
    const deadline = Date.now() + waitMs;
    while (!writer.hasSpace()) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await writer.waitForSpace(left))) {
        options.onUnqueued?.(fields);
        throw new AuditUnavailableError(durable ? NOT_RECORDED_AFTER : NOT_RECORDED_READ);
      }
    }
    return { committed: writer.enqueue(fields, durable) };
  };
  const appendCommitted = async (event: AuditEventInput): Promise<StoredEvent> => {
    const started = Date.now();
    const { committed } = await enqueue(normaliseEvent(event, options.clock.now()), true);
    const left = Math.max(1, options.appendTimeoutMs - (Date.now() - started));
    try {
      return await withDeadline(committed as Promise<StoredEvent>, left);
    } catch (err) {
      if (err instanceof AuditUnavailableError) throw err;
      throw new AuditUnavailableError(NOT_RECORDED_AFTER, err);
    }
  };
  return {
    appendCommitted,
    async append(event, { durable }) {
      if (durable) {
        await appendCommitted(event);
        return;
      }
      await enqueue(normaliseEvent(event, options.clock.now()), false);
    },
    commit: async (event) => (await appendCommitted(event)).seq,
    healthy: () => writer.healthy(),
  };
}

/** The pre-check of every mutation (audit.md §6): refuse before changing anything. */
export function requireAuditHealthy(audit: AuditLog): void {
  if (!audit.healthy()) throw new AuditUnavailableError(NOT_RECORDED_BEFORE);
}
