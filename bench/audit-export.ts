// Benchmark of streaming audit exports (audit.md §12: no row cap, constant memory): 100,000 events
// exported as JSON Lines and CSV from PostgreSQL, reporting size, time and the peak heap growth
// while streaming. Prints a table; asserts nothing.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportAudit } from '../packages/server/src/audit/query/export.ts';
import { parseFilter } from '../packages/server/src/audit/query/filters.ts';
import { bulkInsertEvents } from '../packages/server/test/audit/bulk.ts';
import { migratePostgres, openLoadDatabase, withDatabase } from './audit-load.ts';

const ROWS = 100_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function benchAuditExport(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) {
    console.log('audit export benchmark skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
    return;
  }
  const rows: string[][] = [];
  await withDatabase(base, async (url) => {
    await migratePostgres(url);
    const db = openLoadDatabase(url);
    await bulkInsertEvents(db, 'rgw-export', ROWS);
    for (const format of ['jsonl', 'csv'] as const) {
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      let bytes = 0;
      let count = 0;
      const started = performance.now();
      const filter = parseFilter({ range: 'all' });
      const chunks = exportAudit(
        db,
        { chainId: 'rgw-export', filter, view: 'raw', format, now: new Date() },
        (n) => {
          count = n;
        },
      );
      let n = 0;
      for await (const chunk of chunks) {
        bytes += Buffer.byteLength(chunk);
        if (++n % 10 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      rows.push([
        format,
        String(count),
        (bytes / 1e6).toFixed(1),
        seconds.toFixed(2),
        ((peak - baseline) / 1e6).toFixed(1),
      ]);
    }
    await db.close();
  });
  console.log(
    `\naudit export of ${ROWS} events on PostgreSQL (memory must stay flat, not grow with the export size)`,
  );
  console.log(
    ['format', 'rows', 'MB out', 'seconds', 'peak retained heap growth MB (after GC)'].join('  '),
  );
  for (const r of rows) console.log(r.join('  '));
}

if (process.argv[1]?.endsWith('audit-export.ts')) await benchAuditExport();
