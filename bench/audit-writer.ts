// Benchmark of the audit chain writer (audit.md §5.2 target: ≥ 2000 events/s from 50 concurrent
// producers, p99 enqueue→commit ≤ 50 ms, PostgreSQL on the same host). Prints a table; asserts
// nothing. Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a server where databases can be created).
import {
  LOAD_CHAIN,
  loadWriter,
  migratePostgres,
  openLoadDatabase,
  percentile,
  produce,
  withDatabase,
} from './audit-load.ts';

export async function benchAuditWriter(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) {
    console.log('audit writer benchmark skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
    return;
  }
  const rows: string[][] = [];
  for (const [producers, perProducer] of [
    [1, 2000],
    [10, 2000],
    [50, 400],
  ] as const) {
    await withDatabase(base, async (url) => {
      await migratePostgres(url);
      const db = openLoadDatabase(url);
      const { writer, log } = loadWriter(db);
      const r = await produce(log, producers, perProducer, 'bench');
      await writer.close(30_000);
      const seqs = await db.query<{ n: string; max: string }>(
        'SELECT count(*)::text AS n, max(seq)::text AS max FROM audit.audit_event WHERE chain_id = $1',
        [LOAD_CHAIN],
      );
      await db.close();
      rows.push([
        String(producers),
        String(r.events),
        r.seconds.toFixed(2),
        Math.round(r.events / r.seconds).toString(),
        percentile(r.latenciesMs, 50).toFixed(1),
        percentile(r.latenciesMs, 99).toFixed(1),
        seqs[0]?.n === seqs[0]?.max ? 'yes' : 'NO',
      ]);
    });
  }
  const header = ['producers', 'events', 'seconds', 'events/s', 'p50 ms', 'p99 ms', 'gap-free'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(
    '\naudit chain writer on PostgreSQL (target: ≥ 2000 events/s, p99 ≤ 50 ms at 50 producers)',
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

if (process.argv[1]?.endsWith('audit-writer.ts')) await benchAuditWriter();
