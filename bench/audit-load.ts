// Load generator for the audit chain writer, shared by the benchmark (bench/audit-writer.ts) and the
// two-process end-to-end test: N concurrent producers each append M events through one writer
// (the same ChainWriter and AuditLog the gateway uses), measuring enqueue→commit latency.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { nowMicros } from '../packages/server/src/audit/audit-service.ts';
import { ChainWriter } from '../packages/server/src/audit/chain/chain-writer.ts';
import { createKeyring } from '../packages/server/src/audit/chain/keys.ts';
import { type ChainAuditLog, chainAuditLog } from '../packages/server/src/audit/chain-audit-log.ts';
import type { Database } from '../packages/server/src/db/database.ts';
import { migrate } from '../packages/server/src/db/migrate.ts';
import { openPostgres } from '../packages/server/src/db/postgres.ts';
import { systemClock } from '../packages/server/src/lib/clock.ts';

export const LOAD_CHAIN = 'rgw-load';
/** AUDIT_HMAC_SECRET of the load chain (64 hex characters, decoded as the server decodes it). */
export const LOAD_SECRET_HEX = 'f'.repeat(64);
export const LOAD_KEY = { id: 'k1', secret: Buffer.from(LOAD_SECRET_HEX, 'hex') };

export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
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
}

export function openLoadDatabase(url: string, poolMax = 10): Database {
  return openPostgres({
    url,
    poolMax,
    statementTimeoutMs: 15_000,
    logger: pino({ level: 'silent' }),
  });
}

export interface LoadWriter {
  readonly writer: ChainWriter;
  readonly log: ChainAuditLog;
}

export function loadWriter(db: Database): LoadWriter {
  const writer = new ChainWriter({
    db,
    batch: { chainId: LOAD_CHAIN, keyring: createKeyring(LOAD_KEY), nowUs: nowMicros },
    logger: pino({ level: 'silent' }),
    batchMaxEvents: 500,
    batchLingerMs: 2,
    queueMax: 20_000,
  });
  return { writer, log: chainAuditLog(writer, { appendTimeoutMs: 30_000, clock: systemClock }) };
}

export interface LoadResult {
  readonly events: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

/** `producers` concurrent loops, each appending `perProducer` durable events. */
export async function produce(
  log: ChainAuditLog,
  producers: number,
  perProducer: number,
  tag: string,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = 0; i < perProducer; i++) {
        const t0 = performance.now();
        await log.append(
          {
            action: 'app.list',
            status: 'success',
            actorType: 'user',
            channel: 'cli',
            userEmail: `producer-${tag}-${p}@example.com`,
            resource: 'all',
            httpStatus: 200,
            responseTimeMs: i % 50,
            requestId: `${tag}-${p}-${i}`,
            details: { method: 'GET', path: '/apps' },
          },
          { durable: true },
        );
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return {
    events: producers * perProducer,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `fn` on a fresh database created next to `base`, dropped afterwards. */
export async function withDatabase<T>(base: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `rgw_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin.href });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    return await fn(url.href);
  } finally {
    await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
