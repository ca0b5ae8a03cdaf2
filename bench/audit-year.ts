// `npm run bench:audit-year`: the audit store at a year's scale (issue 16, deliverable 4). On
// PostgreSQL it generates BENCH_YEAR_EVENTS events (default 10M) as a busy rack writes them (ten a
// second, so 10M span 11.6 days) over partitions of BENCH_YEAR_PARTITION_EVENTS (default 1M), then
// measures what grows with the log: list pages, stats, search, an export, a full verification,
// archiving the oldest partitions to an Object Lock bucket (moto, when installed) and verifying
// again across the archive. Prints a table with the projection to 300M events and writes JSON
// (BENCH_YEAR_OUT). BENCH_YEAR_KEEP_DB=1 keeps the database for the next run, which then skips
// the generation. Asserts nothing.
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import type { AnchorBucket } from '../packages/server/src/audit/anchors/anchor-bucket.ts';
import { archivePartitions } from '../packages/server/src/audit/archive/archive-partitions.ts';
import { createKeyring } from '../packages/server/src/audit/chain/keys.ts';
import { exportAudit } from '../packages/server/src/audit/query/export.ts';
import { parseFilter } from '../packages/server/src/audit/query/filters.ts';
import { listAudit } from '../packages/server/src/audit/query/list.ts';
import { auditStats } from '../packages/server/src/audit/query/stats.ts';
import { verifyAudit } from '../packages/server/src/audit/verify/verify-audit.ts';
import { clientRunner } from '../packages/server/src/db/connect.ts';
import type { Database, SqlRunner } from '../packages/server/src/db/database.ts';
import { motoAvailable, startS3Server } from '../packages/server/test/audit/s3-server.ts';
import { LOAD_KEY, migratePostgres, openLoadDatabase } from './audit-load.ts';
import { generateAuditVolume } from './lib/audit-volume.ts';
import { median } from './lib/stats.ts';

const CHAIN = 'rgw-year';
const KEYRING = createKeyring(LOAD_KEY);
const YEAR_EVENTS = 300_000_000;

function count(name: string, fallback: string): number {
  const raw = (process.env[name] ?? fallback).trim().toLowerCase().replace(/_/g, '');
  const n = Number(raw.replace(/k$/, '000').replace(/m$/, '000000'));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: "${raw}" is not a count (10m)`);
  return n;
}

interface Row {
  readonly what: string;
  readonly ms: number;
  /** Events the operation went through (for rates and the linear projection); 0: flat. */
  readonly events: number;
  readonly note: string;
}

async function admin(base: string, sql: string): Promise<pg.QueryResultRow[]> {
  const url = new URL(base);
  url.pathname = '/postgres';
  const c = new pg.Client({ connectionString: url.href });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

async function eventsIn(db: SqlRunner): Promise<number> {
  const r = await db.query<{ n: string }>(
    `SELECT coalesce((SELECT seq FROM audit.chain_head WHERE chain_id = '${CHAIN}'), 0)::text AS n`,
  );
  return Number(r[0]?.n ?? 0);
}

/** A fresh database with the partition size applied from seq 1, or the kept one. */
async function openYearDatabase(base: string, events: number, partition: number) {
  const name = `rgw_bench_year_${events}_${partition}`;
  const exists = (await admin(base, `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length;
  if (exists === 0) await admin(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migratePostgres(url.href);
  const db = openLoadDatabase(url.href, 4);
  if ((await eventsIn(db)) === 0) {
    // The migration's first partition spans 10M seqs; this run's size applies from seq 1.
    const first = await db.query<{ name: string }>('SELECT name FROM audit.event_partition');
    for (const p of first) await db.exec(`DROP TABLE audit.${p.name}`);
    await db.exec(`DELETE FROM audit.event_partition;
      SELECT audit.extend_partitions(${Math.ceil(partition / 2)}, ${partition});`);
  }
  return { db, name, url: url.href, drop: () => admin(base, `DROP DATABASE ${name} WITH (FORCE)`) };
}

async function generate(db: Database, events: number, partition: number): Promise<Row | null> {
  const have = await eventsIn(db);
  if (have >= events) return null;
  const began = performance.now();
  let reported = began;
  console.log(`generating ${events} events (ten a second of a busy rack) …`);
  await generateAuditVolume(db, {
    chainId: CHAIN,
    keyring: KEYRING,
    events: events - have,
    spanMs: (events / 10) * 1000,
    partitionEvents: partition,
    onProgress: (written) => {
      if (performance.now() - reported < 30_000) return;
      reported = performance.now();
      console.log(`  ${written} (${Math.round(written / ((reported - began) / 1000))}/s)`);
    },
  });
  const ms = performance.now() - began;
  return { what: 'generate (chain writer batches of 2000)', ms, events, note: '' };
}

async function timed(what: string, fn: () => Promise<unknown>, repeats = 5): Promise<Row> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const began = performance.now();
    await fn();
    samples.push(performance.now() - began);
  }
  return {
    what,
    ms: median(samples),
    events: 0,
    note: `median of ${repeats}, after one unrecorded`,
  };
}

async function queryRows(db: Database): Promise<Row[]> {
  const now = new Date();
  const list = (params: Record<string, string>, view: 'raw' | 'aggregated', cursor?: string) =>
    listAudit(db, {
      chainId: CHAIN,
      filter: parseFilter(params),
      view,
      limit: 50,
      scope: 'all',
      now,
      ...(cursor === undefined ? {} : { cursor }),
    });
  const first = await list({ range: 'all' }, 'raw');
  const page2 = first.next_cursor ?? undefined;
  return [
    await timed('list raw, newest 50, all time', () => list({ range: 'all' }, 'raw')),
    await timed('list raw, page 2 (cursor)', () => list({ range: 'all' }, 'raw', page2)),
    await timed('list grouped, default (24h)', () => list({ range: '24h' }, 'aggregated')),
    await timed('list raw, one user, all time', () =>
      list({ range: 'all', user: 'user3@example.com' }, 'raw'),
    ),
    await timed('stats, all time', () =>
      auditStats(db, { chainId: CHAIN, filter: parseFilter({ range: 'all' }), now }),
    ),
    await timed('search, a term no event holds', () =>
      list({ range: 'all', search: 'nowhere-in-the-log' }, 'raw'),
    ),
    await timed('search, a common term (newest 50)', () =>
      list({ range: 'all', search: 'app-07' }, 'raw'),
    ),
  ];
}

async function exportRow(db: Database): Promise<Row> {
  let rows = 0;
  let bytes = 0;
  const began = performance.now();
  const filter = parseFilter({ range: '24h' });
  const req = { chainId: CHAIN, filter, view: 'raw' as const, format: 'jsonl' as const };
  for await (const chunk of exportAudit(db, { ...req, now: new Date() }, (n) => {
    rows = n;
  }))
    bytes += Buffer.byteLength(chunk);
  const ms = performance.now() - began;
  return {
    what: 'export JSON Lines, last 24h',
    ms,
    events: rows,
    note: `${(bytes / 1e6).toFixed(0)} MB`,
  };
}

async function verifyRow(db: Database, what: string, bucket: AnchorBucket | null): Promise<Row> {
  const began = performance.now();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  const report = await verifyAudit({
    db,
    chainId: CHAIN,
    keyring: KEYRING,
    anchors: bucket === null ? null : { bucket, prefix: 'anchors/', retentionDays: 30 },
    now: new Date(),
  }).finally(() => clearInterval(timer));
  const ms = performance.now() - began;
  const state = report.ok ? 'intact' : `BROKEN ${JSON.stringify(report.first_break)}`;
  const note = `${state}, peak RSS ${(peak / 1e6).toFixed(0)} MB`;
  return { what, ms, events: report.checked_events, note };
}

/** Archives the two oldest partitions to a moto bucket, then verifies across the archive. */
async function archiveRows(url: string, db: Database, partition: number): Promise<Row[]> {
  if (!motoAvailable()) return [];
  const s3 = await startS3Server();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { bucket } = await s3.bucket({ prefix: 'anchors/' });
    // Half-way into the third partition: a batch's events share one timestamp, so the first
    // event after the second partition may carry the same one as its last.
    const cut = await db.query<{ ts: Date }>(
      `SELECT ts FROM audit.audit_event WHERE chain_id = $1 AND seq = $2`,
      [CHAIN, 2 * partition + Math.ceil(partition / 2)],
    );
    const session = clientRunner(client);
    const began = performance.now();
    const done = await archivePartitions({
      session,
      bucket,
      chainId: CHAIN,
      keyring: KEYRING,
      prefix: 'anchors/',
      retentionDays: 30,
      kmsKeyId: null,
      before: new Date(cut[0]?.ts ?? 0),
      now: new Date(),
    });
    const archived = done.reduce((n, p) => n + p.lastSeq - p.firstSeq + 1, 0);
    const ms = performance.now() - began;
    const note = `${done.length} partitions, to the bucket and dropped`;
    const archiveRow = { what: 'archive the oldest partitions', ms, events: archived, note };
    return [archiveRow, await verifyRow(db, 'verify, archived segments + database', bucket)];
  } finally {
    await client.end();
    await s3.stop();
  }
}

async function storage(db: SqlRunner): Promise<{ bytesPerEvent: number; totalBytes: number }> {
  const r = await db.query<{ b: string }>(
    `SELECT (coalesce(sum(pg_total_relation_size(relid)), 0)
       + pg_total_relation_size('audit.audit_event_aggregated')
       + pg_total_relation_size('audit.event_count'))::text AS b
     FROM pg_partition_tree('audit.audit_event') WHERE isleaf`,
  );
  const total = Number(r[0]?.b ?? 0);
  return { totalBytes: total, bytesPerEvent: total / Math.max(1, await eventsIn(db)) };
}

function render(rows: readonly Row[], events: number, bytesPerEvent: number): string {
  const lines = [
    `| operation at ${(events / 1e6).toFixed(0)}M events | time | rate | at 300M events | note |`,
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const rate = r.events > 0 ? `${Math.round(r.events / (r.ms / 1000))} events/s` : '';
    const projected =
      r.events > 0
        ? `${(((r.ms / r.events) * YEAR_EVENTS) / 60_000).toFixed(0)} min for 300M`
        : 'flat (index bound)';
    const time = r.ms >= 10_000 ? `${(r.ms / 1000).toFixed(0)} s` : `${r.ms.toFixed(1)} ms`;
    lines.push(`| ${r.what} | ${time} | ${rate} | ${projected} | ${r.note} |`);
  }
  const gb = (bytesPerEvent * YEAR_EVENTS) / 1e9;
  lines.push(
    `| storage (events, indexes, view, counters) | | ${bytesPerEvent.toFixed(0)} B/event | ${gb.toFixed(0)} GB | |`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const base =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
  const events = count('BENCH_YEAR_EVENTS', '10m');
  const partition = count('BENCH_YEAR_PARTITION_EVENTS', '1m');
  const y = await openYearDatabase(base, events, partition);
  try {
    const generated = await generate(y.db, events, partition);
    const rows: Row[] = generated === null ? [] : [generated];
    await y.db.exec('ANALYZE');
    rows.push(...(await queryRows(y.db)));
    rows.push(await exportRow(y.db));
    rows.push(await verifyRow(y.db, 'verify, whole chain (no anchors)', null));
    if (process.env.BENCH_YEAR_ARCHIVE !== '0')
      rows.push(...(await archiveRows(y.url, y.db, partition)));
    const { bytesPerEvent, totalBytes } = await storage(y.db);
    const table = render(rows, events, bytesPerEvent);
    console.log(`\n${table}\n`);
    const out = process.env.BENCH_YEAR_OUT ?? 'bench/results/audit-year.json';
    writeFileSync(
      out,
      `${JSON.stringify({ events, partition, rows, bytesPerEvent, totalBytes, table }, null, 2)}\n`,
    );
    console.log(`results: ${out}`);
  } finally {
    await y.db.close();
    if (process.env.BENCH_YEAR_KEEP_DB !== '1') await y.drop();
  }
}

await main();
