// Builds a gateway app on a fresh test database, ready for app.inject().
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/types.js';
import { silentLogger, type TestDatabase } from './test-db.js';

export function emptyWebDist(): string {
  return mkdtempSync(join(tmpdir(), 'rgw-web-'));
}

export async function testApp(
  config: Config,
  database: TestDatabase,
  webDistDir = emptyWebDist(),
): Promise<FastifyInstance> {
  const app = await buildApp(config, { db: database.db, logger: silentLogger, webDistDir });
  await app.ready();
  return app;
}
