// cli.md §10: a 429 on a GET is retried up to twice, waiting for Retry-After (at most 30 s); other
// methods are never retried automatically.
import { delay } from '../timers.js';
import { failureOf } from './error-map.js';

const MAX_RETRIES = 2;
const MAX_WAIT_SECONDS = 30;

function retryDelayMs(err: unknown): number | undefined {
  const f = failureOf(err);
  if (f?.status !== 429 || f.code === 'mfa_too_many_attempts') return undefined;
  const seconds = Number.parseInt(f.headers['retry-after'] ?? '', 10);
  if (Number.isFinite(seconds) && seconds > MAX_WAIT_SECONDS) return undefined;
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000;
}

export async function retryRateLimited<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const wait = attempt < MAX_RETRIES ? retryDelayMs(err) : undefined;
      if (wait === undefined) throw err;
      await delay(wait, signal);
    }
  }
}
