// The embedded database keeps its shared buffers small (issue 16: RSS idle ≤ 250 MB on PGlite):
// PostgreSQL's default 128 MB of buffers all become resident WASM memory in PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../src/db/pglite.js';

describe('embedded database memory', () => {
  it('runs with 16 MB of shared buffers, in a data directory and in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rgw-pglite-'));
    try {
      for (const target of [join(dir, 'pgdata'), null]) {
        const db = await openPglite(target);
        try {
          const rows = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
          expect(rows[0]?.shared_buffers).toBe('16MB');
        } finally {
          await db.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
