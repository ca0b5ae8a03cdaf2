// A fresh database for one test file: a PGlite loaded from the migrated dump, or (with
// TEST_DATABASE_URL) a PostgreSQL database cloned from the migrated template.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { wrapPglite } from '../../src/db/pglite.js';
import { PGLITE_EXTENSIONS } from '../../src/db/pglite-extensions.js';
import { openPostgres } from '../../src/db/postgres.js';

export interface TestDatabase {
  readonly db: Database;
  readonly kind: 'pglite' | 'postgres';
  /** Connection string of the fresh PostgreSQL database (null on PGlite). */
  readonly url: string | null;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

export async function createPgliteDb(): Promise<TestDatabase> {
  const dump = readFileSync(inject('pgliteDumpPath'));
  const pglite = await PGlite.create({
    loadDataDir: new Blob([dump]),
    extensions: PGLITE_EXTENSIONS,
  });
  const db = wrapPglite(pglite);
  return { db, kind: 'pglite', url: null, close: () => db.close() };
}

export async function createPostgresDb(templateUrl: string): Promise<TestDatabase> {
  const name = `rgw_t_${randomBytes(6).toString('hex')}`;
  const adminUrl = new URL(templateUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${new URL(templateUrl).pathname.slice(1)}`);
  await admin.end();
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const db = openPostgres({
    url: url.href,
    poolMax: 5,
    statementTimeoutMs: 15000,
    logger: silentLogger,
  });
  return {
    db,
    kind: 'postgres',
    url: url.href,
    async close() {
      await db.close();
      const drop = new pg.Client({ connectionString: adminUrl.href });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

/** The suite's database: PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
export async function createTestDb(): Promise<TestDatabase> {
  const template = inject('postgresTemplateUrl');
  return template ? createPostgresDb(template) : createPgliteDb();
}
