// audit.md §12: exports stream from the database in keyset batches of 1000 (no row cap, constant
// memory): the generator yields one chunk per batch, in seq order, and the row count matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/audit/query/csv.js';
import { exportAudit } from '../../src/audit/query/export.js';
import { parseFilter } from '../../src/audit/query/filters.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { bulkInsertEvents } from './bulk.js';
import { CHAIN } from './support.js';

const ROWS = 10_000;
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDb();
  await bulkInsertEvents(tdb.db, CHAIN, ROWS);
});
afterAll(async () => {
  await tdb.close();
});

async function collect(format: 'csv' | 'jsonl'): Promise<{ chunks: string[]; rows: number }> {
  const chunks: string[] = [];
  let rows = 0;
  const filter = parseFilter({ range: 'all' });
  for await (const chunk of exportAudit(
    tdb.db,
    { chainId: CHAIN, filter, view: 'raw', format, now: new Date() },
    (n) => {
      rows = n;
    },
  )) {
    chunks.push(chunk);
  }
  return { chunks, rows };
}

describe('streaming exports', () => {
  it('streams JSON Lines in keyset batches of 1000, in seq order, every row once', async () => {
    const { chunks, rows } = await collect('jsonl');
    expect(rows).toBe(ROWS);
    expect(chunks).toHaveLength(ROWS / 1000);
    const seqs = chunks
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  });

  it('streams CSV with one header and one line per row', async () => {
    const { chunks, rows } = await collect('csv');
    expect(rows).toBe(ROWS);
    expect(chunks.join('').split('\r\n').filter(Boolean)).toHaveLength(ROWS + 1);
  });

  it('quotes CSV cells per RFC 4180 and guards formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\nnow')).toBe('"say ""hi""\nnow"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+x')).toBe("'+x");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
  });
});
