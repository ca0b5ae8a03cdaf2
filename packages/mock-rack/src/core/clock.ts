// The injectable clock (mock-rack.md §4.1). Every time read and every scheduled transition of the
// mock goes through it, so tests can drive lifecycles with a manual clock and get byte-identical
// responses. Only realClock touches the platform timers.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface ManualClock extends Clock {
  readonly manual: true;
  /** Moves time forward, firing due timers in due-time order (ties in scheduling order). */
  advance(ms: number): void;
  /** Advances until no timer is pending; refuses to run more than 10 000 timers. */
  runAll(): void;
  /** Number of pending timers. */
  pending(): number;
  /** Sets the time (used by reset); pending timers are dropped. */
  resetTo(ms: number): void;
}

export function isManualClock(clock: Clock): clock is ManualClock {
  return (clock as Partial<ManualClock>).manual === true;
}

let realIds = 0;
const realTimers = new Map<number, NodeJS.Timeout>();

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    const id = ++realIds;
    realTimers.set(
      id,
      setTimeout(() => {
        realTimers.delete(id);
        fn();
      }, delayMs),
    );
    return { id };
  },
  clearTimer(handle) {
    const timer = realTimers.get(handle.id);
    if (timer) clearTimeout(timer);
    realTimers.delete(handle.id);
  },
};

interface PendingTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

const MAX_RUN_ALL = 10_000;

/** A manual clock; the default start is the spec's 2025-01-15T12:00:00Z. */
export function createManualClock(
  start: number | Date | string = '2025-01-15T12:00:00Z',
): ManualClock {
  let now = typeof start === 'number' ? start : new Date(start).getTime();
  let nextId = 0;
  let timers: PendingTimer[] = [];

  const nextDue = (limit: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined;
    for (const t of timers) if (t.due <= limit && (!best || t.due < best.due)) best = t;
    return best;
  };

  const fire = (timer: PendingTimer): void => {
    timers = timers.filter((t) => t !== timer);
    now = Math.max(now, timer.due);
    timer.fn();
  };

  return {
    manual: true,
    now: () => now,
    setTimer(delayMs, fn) {
      const timer = { id: ++nextId, due: now + Math.max(0, delayMs), fn };
      timers.push(timer);
      return { id: timer.id };
    },
    clearTimer(handle) {
      timers = timers.filter((t) => t.id !== handle.id);
    },
    advance(ms) {
      const target = now + ms;
      for (let t = nextDue(target); t; t = nextDue(target)) fire(t);
      now = target;
    },
    runAll() {
      for (let ran = 0; timers.length > 0; ran++) {
        if (ran >= MAX_RUN_ALL) throw new Error(`runAll: more than ${MAX_RUN_ALL} timers`);
        const t = nextDue(Number.POSITIVE_INFINITY);
        if (t) fire(t);
      }
    },
    pending: () => timers.length,
    resetTo(ms) {
      now = ms;
      timers = [];
    },
  };
}
