// Migrates one template database per test run so each test file can clone it quickly:
// PGlite → a data-dir dump loaded by every file; PostgreSQL → a template database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.js';
import { wrapPglite } from '../../src/db/pglite.js';
import { PGLITE_EXTENSIONS } from '../../src/db/pglite-extensions.js';
import { postgresTarget, templateDbName } from './postgres-target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDumpPath: string;
    postgresTemplateUrl: string | null;
  }
}

async function preparePglite(): Promise<string> {
  const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  const db = wrapPglite(pglite);
  await migrate({ query: db.query, exec: db.exec, release: async () => undefined });
  const dump = await pglite.dumpDataDir('none');
  const dir = mkdtempSync(join(tmpdir(), 'rgw-test-'));
  const path = join(dir, 'template.tar');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  return path;
}

async function preparePostgres(adminUrl: string): Promise<string> {
  const template = templateDbName(adminUrl);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const client = new pg.Client({ connectionString: templateUrl.href });
  await client.connect();
  try {
    await migrate({
      query: async (text, params = []) => (await client.query(text, [...params])).rows,
      exec: async (script) => {
        await client.query(script);
      },
      release: async () => undefined,
    });
  } finally {
    await client.end();
  }
  return templateUrl.href;
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('pgliteDumpPath', await preparePglite());
  const target = postgresTarget();
  project.provide('postgresTemplateUrl', target ? await preparePostgres(target) : null);
}
