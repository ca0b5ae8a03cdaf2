// Embedded PGlite (PostgreSQL compiled to WASM), persisted under the data directory. It is a single
// connection, so transactions are serialised by PGlite itself, and a NOTIFY reaches this process's
// listeners at commit, before the committing call returns: nothing can be missed.
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database, NotificationHandler, NotifyingRunner, Orm } from './database.js';
import { PGLITE_EXTENSIONS } from './pglite-extensions.js';

interface QueryableLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(script: string): Promise<unknown>;
}

const runner = (client: QueryableLike): NotifyingRunner => ({
  async query<T extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
    const result = await client.query<T>(text, [...params]);
    return result.rows;
  },
  async exec(script: string) {
    await client.exec(script);
  },
  async notify(channel: string, payload: string) {
    await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  },
});

export function wrapPglite(pglite: PGlite): Database {
  return {
    kind: 'pglite',
    orm: drizzle(pglite) as unknown as Orm,
    query: runner(pglite).query,
    exec: runner(pglite).exec,
    notify: runner(pglite).notify,
    transaction<T>(fn: (tx: NotifyingRunner) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(runner(tx)));
    },
    async ping() {
      if (pglite.closed) throw new Error('embedded database is closed');
      await pglite.query('SELECT 1');
    },
    async listen(channel: string, handler: NotificationHandler) {
      const unsubscribe = await pglite.listen(channel, handler);
      return unsubscribe;
    },
    listenEpoch: () => (pglite.closed ? null : 0),
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * PostgreSQL's default 128 MB of shared buffers all become resident WASM memory, which is most of
 * an idle gateway's RSS (≈400 MB → ≈260 MB measured); one embedded connection with a gateway's
 * working set is served as well by 16 MB, and the operating system's page cache sits below it.
 */
const EMBEDDED_SETTINGS = ['shared_buffers=16MB'];

export async function openPglite(dataDir: string | null): Promise<Database> {
  const options = { postgresqlconf: EMBEDDED_SETTINGS, extensions: PGLITE_EXTENSIONS };
  const pglite = await PGlite.create(dataDir === null ? options : { ...options, dataDir });
  return wrapPglite(pglite);
}
