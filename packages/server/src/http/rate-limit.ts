// Per-client-IP token buckets, one per limiter (identity.md §13): refill RATE_LIMIT_RPS, capacity
// RATE_LIMIT_BURST. Kept per replica; idle entries are evicted. The `api` limiter (failed
// credential checks per address and credential) is identity/credential-failures.ts.
import type { RateLimiterName } from '../access/route-types.js';
import type { Clock } from '../lib/clock.js';

export type LimiterName = RateLimiterName | 'api';

export type Take =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly retryAfterSeconds: number;
      readonly resetAt: number;
      readonly limit: number;
    };

const IDLE_EVICT_MS = 5 * 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly options: { rps: number; burst: number; clock: Clock }) {}

  get limit(): number {
    return this.options.burst;
  }

  /** Takes one token from `ip`'s bucket for `limiter`. */
  take(limiter: RateLimiterName, ip: string): Take {
    const now = this.options.clock.now().getTime();
    this.sweep(now);
    const key = `${limiter}|${ip}`;
    const { rps, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rps);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / rps));
    return {
      ok: false,
      retryAfterSeconds: wait,
      resetAt: Math.ceil(now / 1000) + wait,
      limit: burst,
    };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < IDLE_EVICT_MS) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (now - b.at > IDLE_EVICT_MS) this.buckets.delete(key);
  }
}

/** `Retry-After` and `X-RateLimit-*` headers of a refusal. */
export function rateLimitHeaders(t: Extract<Take, { ok: false }>): Record<string, string> {
  return {
    'retry-after': String(t.retryAfterSeconds),
    'x-ratelimit-limit': String(t.limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(t.resetAt),
  };
}

/**
 * `rate_limit.exceeded` is audited at most once per (IP, limiter) per minute; repeats in between
 * are counted and reported with the next event (audit.md §8.7).
 */
export class RateLimitAuditThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly clock: Clock) {}

  /** Returns the suppressed count to report, or null when this refusal must not be audited. */
  shouldAudit(limiter: LimiterName, ip: string): number | null {
    const now = this.clock.now().getTime();
    const key = `${limiter}|${ip}`;
    const entry = this.last.get(key);
    if (entry !== undefined && now - entry.at < 60_000) {
      entry.suppressed += 1;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(key, { at: now, suppressed: 0 });
    if (this.last.size > 10_000) this.last.clear();
    return suppressed;
  }
}
