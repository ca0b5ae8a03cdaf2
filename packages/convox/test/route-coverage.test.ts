// Every in-scope route of convox-rack-api.md §7.1 has a contract test against the mock rack: this
// lists the route table and fails for any row without a `describeRoute('<id>', …)` group.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { RACK_ROUTES } from '../src/index.js';

const dir = import.meta.dirname;

function contractedRoutes(): Set<string> {
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.startsWith('contract-'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/describeRoute\('([a-z.]+)'/g)) ids.add(m[1] ?? '');
  }
  return ids;
}

it('the route table covers rows 1–34 of the spec', () => {
  expect([...new Set(RACK_ROUTES.map((r) => r.row))]).toEqual(
    Array.from({ length: 34 }, (_, i) => i + 1),
  );
});

it('every route of the table has a contract test', () => {
  const covered = contractedRoutes();
  const missing = RACK_ROUTES.filter((r) => !covered.has(r.id)).map(
    (r) => `${r.id} (row ${r.row}: ${r.method} ${r.path})`,
  );
  expect(missing).toEqual([]);
});
