// PostgreSQL through a pg pool. Broken connections are dropped by the pool and new ones are made on
// demand, so the gateway recovers by itself when the database comes back.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import {
  type Database,
  type NotificationHandler,
  type NotifyingRunner,
  type Orm,
  type SqlRunner,
  withTimeout,
} from './database.js';
import { createPgListener, type Notice } from './pg-listener.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  readonly applicationName?: string;
  readonly logger: Logger;
}

/** Distinct statement texts prepared per connection at most (later ones are parsed every time). */
const PREPARED_MAX = 256;

/**
 * Named (server-side prepared) statements for parameterised queries: PostgreSQL then parses and
 * plans a statement once per connection instead of at every call, which was a third of the
 * database time of an audit batch. The hot statements have constant text (arrays through
 * `unnest`, never a list of placeholders that grows with the input), and the first PREPARED_MAX
 * distinct texts get names, so a text built from user input can never make the per-connection
 * cache grow without bound.
 */
function preparedStatements() {
  const names = new Map<string, string>();
  return {
    config(text: string, params: readonly unknown[]): pg.QueryConfig<unknown[]> {
      const values = [...params];
      if (values.length === 0) return { text, values };
      let name = names.get(text);
      if (name === undefined && names.size < PREPARED_MAX) {
        name = `rgw_${names.size + 1}`;
        names.set(text, name);
      }
      return name === undefined ? { text, values } : { name, text, values };
    },
  };
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * A transaction's connection that sends BEGIN together with the first statement when that one has
 * no parameters (one simple-protocol round trip instead of two: the chain lock of every audit
 * batch is such a statement), or on its own before a parameterised one. A transaction that never
 * ran a statement has nothing to commit or roll back.
 */
function lazyBegin(client: pg.PoolClient): { readonly conn: Queryable; begun(): boolean } {
  let begun = false;
  const query = async (config: pg.QueryConfig<unknown[]>): Promise<pg.QueryResult> => {
    if (!begun) {
      begun = true;
      if (config.values === undefined || config.values.length === 0) {
        const results: unknown = await client.query(`BEGIN; ${config.text}`);
        const all = results as pg.QueryResult[];
        return all[all.length - 1] as pg.QueryResult;
      }
      await client.query('BEGIN');
    }
    return client.query(config);
  };
  const conn = {
    query: (text: string | pg.QueryConfig<unknown[]>, values?: unknown[]) =>
      query(typeof text === 'string' ? { text, ...(values ? { values } : {}) } : text),
  } as Queryable;
  return { conn, begun: () => begun };
}

export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'rack-gateway',
  });
  pool.on('error', (err) =>
    options.logger.warn({ err: err.message }, 'idle database connection failed'),
  );
  const statements = preparedStatements();
  const runner = (client: Queryable | pg.Pool): SqlRunner => ({
    async query<T extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(statements.config(text, params));
      return result.rows as T[];
    },
    async exec(script: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  });
  const listener = createPgListener({ url: options.url, logger: options.logger });
  async function transaction<T>(fn: (tx: NotifyingRunner) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const session = lazyBegin(client);
    // Notices of this transaction reach this replica's subscribers right after the commit instead
    // of whenever LISTEN brings them (the next request may come first); they are announced to the
    // listener before the commit, so a copy that LISTEN brings back first is recognised too.
    const sent: Notice[] = [];
    const tx: NotifyingRunner = {
      ...runner(session.conn),
      async notify(channel, payload) {
        const rows = await session.conn.query<{ pid: number }>(
          'SELECT pg_notify($1, $2), pg_backend_pid() AS pid',
          [channel, payload],
        );
        const notice = { pid: Number(rows.rows[0]?.pid), channel, payload };
        listener.expectOwn(notice);
        sent.push(notice);
      },
    };
    try {
      const result = await fn(tx);
      if (session.begun()) await client.query('COMMIT');
      for (const notice of sent) listener.deliverOwn(notice);
      return result;
    } catch (err) {
      // Should the commit have happened after all, LISTEN's copies are then delivered as usual.
      for (const notice of sent) listener.forgetOwn(notice);
      if (session.begun()) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return {
    kind: 'postgres',
    orm: drizzle(pool) as unknown as Orm,
    query: runner(pool).query,
    exec: runner(pool).exec,
    transaction,
    async ping(timeoutMs: number) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'database ping');
    },
    listen: (channel: string, handler: NotificationHandler) => listener.listen(channel, handler),
    listenEpoch: () => listener.epoch(),
    notify: (channel: string, payload: string) => transaction((tx) => tx.notify(channel, payload)),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
