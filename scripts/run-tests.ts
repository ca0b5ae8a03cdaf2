// `npm test`: every vitest project (unit, integration, e2e) on PGlite, then — when TEST_DATABASE_URL
// is set — the server suites again on PostgreSQL. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWebBuild } from './lib/web-build.ts';

interface JsonReport {
  numTotalTestSuites: number;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

interface Pass {
  readonly label: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

function runPass(
  pass: Pass,
  extraArgs: readonly string[],
): { ok: boolean; report: JsonReport | null } {
  const out = join(mkdtempSync(join(tmpdir(), 'rgw-vitest-')), 'report.json');
  console.log(`\n=== ${pass.label} ===`);
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      ...pass.args,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...extraArgs,
    ],
    { stdio: 'inherit', env: { ...process.env, ...pass.env } },
  );
  let report: JsonReport | null = null;
  try {
    report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
  } catch {
    report = null;
  }
  return { ok: result.status === 0, report };
}

const extraArgs = process.argv.slice(2);
ensureWebBuild();
const passes: Pass[] = [{ label: 'all suites (PGlite)', args: [], env: { RGW_TEST_DB: 'pglite' } }];
if (process.env.TEST_DATABASE_URL?.trim()) {
  passes.push({
    label: 'server suites on PostgreSQL',
    args: ['--project', 'server'],
    env: { RGW_TEST_DB: 'postgres' },
  });
} else {
  console.warn(
    '\n*** TEST_DATABASE_URL is not set: the PostgreSQL runs are skipped (set it to include them). ***\n',
  );
}

const totals = { files: 0, tests: 0, passed: 0, failed: 0, skipped: 0 };
let ok = true;
for (const pass of passes) {
  const { ok: passOk, report } = runPass(pass, extraArgs);
  ok &&= passOk && report !== null;
  if (report) {
    totals.files += report.numTotalTestSuites;
    totals.tests += report.numTotalTests;
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
  }
}
console.log(
  `\nnpm test: ${ok ? 'PASSED' : 'FAILED'} — ${passes.length} pass(es), ${totals.tests} tests: ${totals.passed} passed, ` +
    `${totals.failed} failed, ${totals.skipped} skipped`,
);
process.exit(ok ? 0 : 1);
