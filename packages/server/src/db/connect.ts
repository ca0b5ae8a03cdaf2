// Opens the configured store: PostgreSQL when DATABASE_URL is set, else embedded PGlite in the data
// directory. Also opens the dedicated session used for migrations.
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config/types.js';
import type { Logger } from '../logging/logger.js';
import type { Database, SqlRunner } from './database.js';
import { acquireDataDirLock } from './embedded-lock.js';
import type { MigrationSession } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface OpenedDatabase {
  readonly db: Database;
  /** Opens a single-connection session for migrations (DATABASE_MIGRATION_URL on PostgreSQL). */
  openMigrationSession(): Promise<MigrationSession>;
}

/** One connection as a SqlRunner: what a session that opens its own transactions needs. */
export function clientRunner(client: pg.Client): SqlRunner {
  return {
    async query<T extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      return (await client.query(text, [...params])).rows as T[];
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

export async function openDatabase(config: Config, logger: Logger): Promise<OpenedDatabase> {
  const { url, migrationUrl, poolMax, statementTimeoutMs, dataDir } = config.database;
  if (url !== null) {
    const db = openPostgres({ url, poolMax, statementTimeoutMs, logger });
    return {
      db,
      async openMigrationSession() {
        const client = new pg.Client({
          connectionString: migrationUrl ?? url,
          application_name: 'rack-gateway-migrate',
        });
        client.on('error', () => undefined);
        const runtime = await db.query<{ role: string }>('SELECT current_user AS role');
        await client.connect();
        return {
          runtimeRole: runtime[0]?.role ?? '',
          ...clientRunner(client),
          release: () => client.end(),
        };
      },
    };
  }
  const release = acquireDataDirLock(dataDir);
  // The embedded engine takes seconds to load (and longer to create a new data directory): say so
  // instead of starting silently.
  const started = Date.now();
  logger.info({ data_dir: dataDir }, 'opening the embedded database (PGlite)…');
  const inner = await openPglite(join(dataDir, 'pgdata'));
  logger.info({ ms: Date.now() - started }, 'embedded database open');
  const db: Database = {
    ...inner,
    async close() {
      await inner.close();
      release();
    },
  };
  return {
    db,
    openMigrationSession: async () => ({
      query: db.query,
      exec: db.exec,
      release: async () => undefined,
    }),
  };
}
