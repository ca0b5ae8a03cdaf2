// Waiting without fixed sleeps: every pause is a timer bound to an AbortSignal (Ctrl-C or a
// deadline), so a wait ends as soon as the command is interrupted.
import { setTimeout as timeout } from 'node:timers/promises';

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return timeout(ms, undefined, { signal });
}

/** A signal aborted by either the interrupt or the deadline (ms from now). */
export function withDeadline(interrupt: AbortSignal, ms: number): AbortSignal {
  return AbortSignal.any([interrupt, AbortSignal.timeout(Math.max(0, ms))]);
}

/** Waits for `work` but at most `ms` (the timer is cleared either way). */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  const timer = new AbortController();
  try {
    await Promise.race([work, delay(ms, timer.signal).catch(() => undefined)]);
  } finally {
    timer.abort();
  }
}
