// PostgreSQL through a pg pool. Broken connections are dropped by the pool and new ones are made on
// demand, so the gateway recovers by itself when the database comes back.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import {
  type Database,
  type NotificationHandler,
  type Orm,
  type SqlRunner,
  withTimeout,
} from './database.js';
import { createPgListener } from './pg-listener.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  readonly applicationName?: string;
  readonly logger: Logger;
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
  const runner = (client: pg.Pool | pg.PoolClient): SqlRunner => ({
    async query<T extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, params as unknown[]);
      return result.rows as T[];
    },
    async exec(script: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  });
  const listener = createPgListener({ url: options.url, logger: options.logger });
  return {
    kind: 'postgres',
    orm: drizzle(pool) as unknown as Orm,
    query: runner(pool).query,
    exec: runner(pool).exec,
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(runner(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping(timeoutMs: number) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'database ping');
    },
    listen: (channel: string, handler: NotificationHandler) => listener.listen(channel, handler),
    async notify(channel: string, payload: string) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
