// One dedicated connection per replica for LISTEN. It reconnects with backoff and tells
// subscribers (through `onReconnect`) so they can re-validate whatever they may have missed.
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import type { NotificationHandler } from './database.js';

export interface PgListener {
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function createPgListener(options: { url: string; logger: Logger }): PgListener {
  const handlers = new Map<string, Set<NotificationHandler>>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const dispatch = (msg: pg.Notification): void => {
    for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: options.url,
      application_name: 'rack-gateway-listen',
    });
    c.on('notification', dispatch);
    c.on('error', (err) => {
      options.logger.warn({ err: err.message }, 'LISTEN connection lost; reconnecting');
      if (client === c) client = null;
      scheduleReconnect();
    });
    await c.connect();
    for (const channel of handlers.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
    client = c;
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
      const set = handlers.get(channel) ?? new Set();
      const first = set.size === 0;
      set.add(handler);
      handlers.set(channel, set);
      if (first) {
        // While the database is unreachable the subscription waits for the reconnect, which
        // LISTENs on every channel; callers re-validate on their own schedule meanwhile.
        try {
          const c = await ensure();
          await c.query(`LISTEN ${quoteIdent(channel)}`);
        } catch (err) {
          options.logger.warn(
            { err: (err as Error).message, channel },
            'LISTEN not possible yet; retrying',
          );
          scheduleReconnect();
        }
      }
      return async () => {
        set.delete(handler);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
