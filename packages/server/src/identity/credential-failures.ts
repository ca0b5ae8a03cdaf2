// Failed credential checks, counted per (client address, credential) and per address (identity.md
// §13, limiter `api`). A credential that failed PER_CREDENTIAL times from an address within the
// window is refused there before it is looked up again; an address with PER_ADDRESS failures in
// the window refuses unauthenticated requests (no credential, or one that fails). A credential
// that checks out is never refused because other credentials failed from the same address: one
// broken CI job behind a NAT must not lock out the office. Credentials are keyed by a keyed hash,
// never kept themselves. In-flight checks hold a slot of their credential's budget, so a burst of
// concurrent requests cannot run more failing checks than the budget; requests beyond it wait for
// the slots to settle (a valid credential's checks settle as successes and free them at once).
// Kept per replica, in memory; entries live only while they carry failures or checks in flight.
import { createHmac, randomBytes } from 'node:crypto';
import type { Take } from '../http/rate-limit.js';
import type { Clock } from '../lib/clock.js';

export const PER_CREDENTIAL = 10;
export const PER_ADDRESS = 20;
const WINDOW_MS = 60_000;

export type Refusal = Extract<Take, { ok: false }>;
export type Outcome = 'valid' | 'failed' | 'neutral';

export interface Slot {
  readonly ok: true;
  /** Ends the check; for a failure, whether the address is now over its budget. */
  settle(outcome: Outcome): Take;
}

interface CredentialState {
  /** Times of recent failures, oldest first, at most PER_CREDENTIAL. */
  readonly failures: number[];
  inflight: number;
  readonly waiters: (() => void)[];
}

/** Keeps the newest `max` entries that are still inside the window. */
function recent(times: number[], now: number, max: number): void {
  while (times.length > 0 && (now - (times[0] ?? 0) >= WINDOW_MS || times.length > max))
    times.shift();
}

export class CredentialFailures {
  private readonly hashKey = randomBytes(32);
  private readonly credentials = new Map<string, CredentialState>();
  private readonly addresses = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** The map key of a presented credential at an address: a keyed hash, not the secret. */
  keyOf(ip: string, credential: string): string {
    const digest = createHmac('sha256', this.hashKey).update(credential).digest('base64url');
    return `${ip}|${digest}`;
  }

  /** Refused when the address is over its budget of failures (for unauthenticated requests). */
  address(ip: string): Take {
    const now = this.now();
    const times = this.addresses.get(ip);
    if (times === undefined) return { ok: true };
    recent(times, now, PER_ADDRESS);
    if (times.length === 0) this.addresses.delete(ip);
    return times.length >= PER_ADDRESS ? refusal(times[0] ?? now, now, PER_ADDRESS) : { ok: true };
  }

  /** A slot to check the credential `key`, or the refusal when it failed too often here. */
  async claim(key: string): Promise<Slot | Refusal> {
    for (;;) {
      const now = this.now();
      const state = this.stateOf(key);
      recent(state.failures, now, PER_CREDENTIAL);
      if (state.failures.length >= PER_CREDENTIAL) {
        this.forgetIfIdle(key, state);
        return refusal(state.failures[0] ?? now, now, PER_CREDENTIAL);
      }
      if (state.failures.length + state.inflight < PER_CREDENTIAL) {
        state.inflight += 1;
        return this.slot(key, state);
      }
      await new Promise<void>((resume) => state.waiters.push(resume));
    }
  }

  private slot(key: string, state: CredentialState): Slot {
    let settled = false;
    return {
      ok: true,
      settle: (outcome) => {
        if (settled) return { ok: true };
        settled = true;
        state.inflight -= 1;
        const verdict =
          outcome === 'failed' ? this.recordFailure(key, state) : { ok: true as const };
        for (const resume of state.waiters.splice(0)) resume();
        this.forgetIfIdle(key, state);
        return verdict;
      },
    };
  }

  private recordFailure(key: string, state: CredentialState): Take {
    const ip = key.slice(0, key.lastIndexOf('|'));
    const verdict = this.address(ip);
    const now = this.now();
    const times = this.addresses.get(ip) ?? [];
    times.push(now);
    recent(times, now, PER_ADDRESS);
    this.addresses.set(ip, times);
    // Past its budget the address refuses every failing credential anyway; not recording them
    // one by one keeps the memory an address can claim bounded.
    if (verdict.ok) state.failures.push(now);
    return verdict;
  }

  private stateOf(key: string): CredentialState {
    let state = this.credentials.get(key);
    if (state === undefined) {
      state = { failures: [], inflight: 0, waiters: [] };
      this.credentials.set(key, state);
    }
    return state;
  }

  private forgetIfIdle(key: string, state: CredentialState): void {
    if (state.inflight === 0 && state.waiters.length === 0 && state.failures.length === 0)
      this.credentials.delete(key);
    else if (state.inflight === 0) this.sweepSoon();
  }

  private lastSweep = 0;

  /** Drops credentials whose failures all left the window (checked at most once a minute). */
  private sweepSoon(): void {
    const now = this.now();
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [key, state] of this.credentials) {
      recent(state.failures, now, PER_CREDENTIAL);
      if (state.inflight === 0 && state.failures.length === 0) this.credentials.delete(key);
    }
    for (const ip of [...this.addresses.keys()]) this.address(ip);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

function refusal(oldest: number, now: number, limit: number): Refusal {
  const until = oldest + WINDOW_MS;
  return {
    ok: false,
    retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
    resetAt: Math.ceil(until / 1000),
    limit,
  };
}
