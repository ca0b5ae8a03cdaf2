// One dedicated connection per replica for LISTEN. It reconnects with backoff; `epoch` says whether
// notices can be trusted to arrive right now (null while down or silent) and changes at every
// reconnection, so subscribers can drop what they learned before a gap in which notices may have
// been missed. A heartbeat notices a connection that died without an error.
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import type { NotificationHandler } from './database.js';

/** A notice sent by backend `pid` of this replica's pool. */
export interface Notice {
  readonly pid: number;
  readonly channel: string;
  readonly payload: string;
}

export interface PgListener {
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  /** A notice of this replica is about to commit: its copy coming back through LISTEN is skipped. */
  expectOwn(notice: Notice): void;
  /** Its transaction did not commit: a copy that comes back anyway is delivered as usual. */
  forgetOwn(notice: Notice): void;
  /** Hands a committed notice of this replica to its subscribers at once. */
  deliverOwn(notice: Notice): void;
  epoch(): number | null;
  close(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const HEARTBEAT_MS = 1000;
/** LISTEN brings a replica's own notices back within milliseconds; older records are dropped. */
const ECHO_MS = 2000;
/** Without an answer for this long the connection is not trusted (and is replaced). */
const SILENT_MS = 3000;

/** Own notices delivered (or to be delivered) locally, so that their LISTEN copy is skipped. */
function createEchoes() {
  const echoed = new Map<string, { count: number; at: number }>();
  const keyOf = (n: Notice) => JSON.stringify([n.pid, n.channel, n.payload]);
  /** Counts `n` off; whether it was there. */
  const take = (n: Notice): boolean => {
    const key = keyOf(n);
    const own = echoed.get(key);
    if (own === undefined) return false;
    if (own.count > 1) own.count -= 1;
    else echoed.delete(key);
    return true;
  };
  return {
    record(n: Notice): void {
      const now = performance.now();
      for (const [key, own] of echoed) if (now - own.at > ECHO_MS) echoed.delete(key);
      const key = keyOf(n);
      echoed.set(key, { count: (echoed.get(key)?.count ?? 0) + 1, at: now });
    },
    take,
    clear: () => echoed.clear(),
  };
}

/** Subscribers by channel. A failing one neither stops the others nor fails the announcing commit. */
function createSubscribers(logger: Logger) {
  const handlers = new Map<string, Set<NotificationHandler>>();
  return {
    channels: () => handlers.keys(),
    /** Adds `handler`; true when it is the channel's first (the channel needs a LISTEN). */
    add(channel: string, handler: NotificationHandler): { first: boolean; remove(): void } {
      const set = handlers.get(channel) ?? new Set();
      const first = set.size === 0;
      set.add(handler);
      handlers.set(channel, set);
      return { first, remove: () => set.delete(handler) };
    },
    deliver(channel: string, payload: string): void {
      for (const h of handlers.get(channel) ?? []) {
        try {
          h(payload);
        } catch (err) {
          logger.error({ err: (err as Error).message, channel }, 'notice handler failed');
        }
      }
    },
  };
}

export function createPgListener(options: { url: string; logger: Logger }): PgListener {
  const subscribers = createSubscribers(options.logger);
  const { deliver } = subscribers;
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let generation = 0;
  let answeredAt = 0;

  const echoes = createEchoes();

  /** Forgets `c` (once) and reconnects: notices sent meanwhile are lost, hence a new epoch. */
  const lost = (c: pg.Client, message: string): void => {
    if (client !== c) return;
    client = null;
    options.logger.warn({ err: message }, 'LISTEN connection lost; reconnecting');
    c.end().catch(() => undefined);
    scheduleReconnect();
  };

  const beat = (): void => {
    const c = client;
    if (c === null) return;
    if (performance.now() - answeredAt > SILENT_MS) {
      lost(c, 'no answer to the heartbeat');
      return;
    }
    c.query('SELECT 1').then(
      () => {
        answeredAt = performance.now();
      },
      (err: Error) => lost(c, err.message),
    );
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: options.url,
      application_name: 'rack-gateway-listen',
      keepAlive: true,
    });
    c.on('notification', (msg) => {
      const payload = msg.payload ?? '';
      const notice = { pid: msg.processId, channel: msg.channel, payload };
      if (!echoes.take(notice)) deliver(msg.channel, payload);
    });
    c.on('error', (err) => lost(c, err.message));
    c.on('end', () => lost(c, 'connection ended'));
    try {
      await c.connect();
      for (const channel of subscribers.channels()) await c.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      c.end().catch(() => undefined);
      throw err;
    }
    client = c;
    generation += 1;
    echoes.clear(); // a new session hears nothing sent before it listened
    answeredAt = performance.now();
    heartbeat ??= setInterval(beat, HEARTBEAT_MS).unref();
    return c;
  };

  const ensure = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= connect().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  function scheduleReconnect(): void {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensure().catch(() => scheduleReconnect());
    }, 1000);
  }

  return {
    async listen(channel, handler) {
      const added = subscribers.add(channel, handler);
      if (added.first) {
        // While the database is unreachable the subscription waits for the reconnect, which
        // LISTENs on every channel; callers re-validate on their own schedule meanwhile. A LISTEN
        // that fails on a live connection replaces it, so no channel stays silently unheard.
        let c: pg.Client | null = null;
        try {
          c = await ensure();
          await c.query(`LISTEN ${quoteIdent(channel)}`);
        } catch (err) {
          options.logger.warn(
            { err: (err as Error).message, channel },
            'LISTEN not possible yet; retrying',
          );
          if (c !== null) lost(c, (err as Error).message);
          else scheduleReconnect();
        }
      }
      return async () => {
        added.remove();
      };
    },
    expectOwn: (notice) => echoes.record(notice),
    forgetOwn: (notice) => void echoes.take(notice),
    deliverOwn: (notice) => deliver(notice.channel, notice.payload),
    epoch: () =>
      client !== null && performance.now() - answeredAt <= SILENT_MS ? generation : null,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeat);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
