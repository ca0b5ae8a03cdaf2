// Discovery of the OIDC issuer without holding the gateway hostage (issue 19, finding 3): it runs in
// the background from start-up and retries with backoff (100 ms doubling, capped at 30 s) until the
// issuer answers. Meanwhile API tokens and the native convox CLI are served; only interactive logins
// wait, and a login that arrives first triggers an attempt of its own. After the retry budget
// (OIDC_DISCOVERY_TIMEOUT_SECONDS) health reports the IdP `unavailable` and the log says so.

export type IdpStatus = 'ok' | 'discovering' | 'unavailable';

/** The two log levels discovery uses (pino's and fastify's loggers both fit). */
export interface DiscoveryLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface Discovery<T> {
  start(): void;
  /** The discovered value, or one attempt now (awaiting one already running); rejects on failure. */
  get(): Promise<T>;
  status(): IdpStatus;
  close(): void;
}

export interface DiscoveryOptions<T> {
  readonly issuer: string;
  readonly attempt: () => Promise<T>;
  readonly unavailableAfterMs: number;
  readonly logger: DiscoveryLog;
  readonly maxDelayMs?: number;
}

const FIRST_DELAY_MS = 100;
const REPEAT_WARNING_MS = 60_000;

export function createDiscovery<T>(options: DiscoveryOptions<T>): Discovery<T> {
  const maxDelay = options.maxDelayMs ?? 30_000;
  let value: T | null = null;
  let inFlight: Promise<T> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let delay = FIRST_DELAY_MS;
  let startedAt: number | null = null;
  let failures = 0;
  let lastWarning = 0;
  let closed = false;

  const noteFailure = (err: unknown) => {
    failures += 1;
    const now = Date.now();
    if (failures > 1 && now - lastWarning < REPEAT_WARNING_MS) return;
    lastWarning = now;
    options.logger.warn(
      { issuer: options.issuer, err: (err as Error)?.message, attempts: failures },
      'OIDC discovery failed; interactive logins are refused until the issuer answers (API tokens are served); retrying',
    );
  };

  const attempt = (): Promise<T> => {
    inFlight ??= options
      .attempt()
      .then((discovered) => {
        if (failures > 0)
          options.logger.info(
            { issuer: options.issuer, attempts: failures + 1 },
            'OIDC discovery succeeded',
          );
        value = discovered;
        return discovered;
      })
      .catch((err: unknown) => {
        noteFailure(err);
        throw err;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const loop = () => {
    timer = null;
    if (closed || value !== null) return;
    attempt().catch(() => {
      if (closed || value !== null) return;
      timer = setTimeout(loop, delay);
      timer.unref();
      delay = Math.min(delay * 2, maxDelay);
    });
  };

  return {
    start() {
      if (startedAt !== null || closed) return;
      startedAt = Date.now();
      loop();
    },
    async get() {
      if (value !== null) return value;
      return attempt();
    },
    status() {
      if (value !== null) return 'ok';
      const since = startedAt ?? Date.now();
      return Date.now() - since >= options.unavailableAfterMs && failures > 0
        ? 'unavailable'
        : 'discovering';
    },
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
