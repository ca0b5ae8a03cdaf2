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
//   Denials and reads: `await audit.append(event, { durable: false })` — returns once queued; if the
//     queue is full it waits up to 5 s (backpressure), then throws AuditUnavailableError (503).
//
// Events are normalised and redacted here, at the producer, so an invalid event fails its caller
// and never a whole batch.
import type { Clock } from '../lib/clock.js';
import { AuditUnavailableError, NOT_RECORDED_AFTER, NOT_RECORDED_BEFORE } from './audit-errors.js';
import type { AuditEventInput, AuditLog } from './audit-log.js';
import type { ChainWriter } from './chain/chain-writer.js';
import type { StoredEvent } from './chain/event-fields.js';
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

export function chainAuditLog(
  writer: ChainWriter,
  options: { appendTimeoutMs: number; clock: Clock },
): ChainAuditLog {
  const admit = async (waitMs: number, message: string): Promise<void> => {
    if (writer.hasSpace()) return;
    if (!(await writer.waitForSpace(waitMs))) throw new AuditUnavailableError(message);
  };
  const appendCommitted = async (event: AuditEventInput): Promise<StoredEvent> => {
    const fields = normaliseEvent(event, options.clock.now());
    const started = Date.now();
    await admit(options.appendTimeoutMs, NOT_RECORDED_AFTER);
    const committed = writer.enqueue(fields, true) as Promise<StoredEvent>;
    const left = Math.max(1, options.appendTimeoutMs - (Date.now() - started));
    try {
      return await withDeadline(committed, left);
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
      const fields = normaliseEvent(event, options.clock.now());
      await admit(READ_BACKPRESSURE_MS, NOT_RECORDED_BEFORE);
      writer.enqueue(fields, false);
    },
    commit: async (event) => (await appendCommitted(event)).seq,
    healthy: () => writer.healthy(),
  };
}

/** The pre-check of every mutation (audit.md §6): refuse before changing anything. */
export function requireAuditHealthy(audit: AuditLog): void {
  if (!audit.healthy()) throw new AuditUnavailableError(NOT_RECORDED_BEFORE);
}
