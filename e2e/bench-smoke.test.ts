// The benchmark suite runs end to end at the smallest size (one round of one second, the proxy
// phase only, PGlite and, when installed, nginx): every variant answers through the real
// processes, the table is printed and the JSON it writes holds a value per variant. No timing is
// asserted; a run whose requests failed exits 1 and fails this test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const NGINX = '/usr/sbin/nginx';

interface Written {
  readonly rows: { scenario: string; measure: string; cells: Record<string, { median: number }> }[];
  readonly failures: unknown[];
  readonly perRound: Record<string, Record<string, Record<string, number[]>>>;
}

describe('npm run bench at the smallest size', () => {
  it('measures direct, nginx and the PGlite gateway and writes the JSON', {
    timeout: 180_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'rgw-bench-smoke-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'latest.json');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 170_000,
      env: {
        ...process.env,
        BENCH_ROUNDS: '1',
        BENCH_SECONDS: '1',
        BENCH_WARMUP_SECONDS: '1',
        BENCH_SCENARIOS: 'read-c1,ws-first-frame,login',
        BENCH_LOGINS: '1',
        BENCH_WS_OPENS: '2',
        BENCH_DATABASE_URL: 'off',
        BENCH_OUT: out,
      },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('| proxied read GET /apps?, concurrency 1 | requests/s |');
    const written = JSON.parse(readFileSync(out, 'utf8')) as Written;
    expect(written.failures).toEqual([]);
    const variants = existsSync(NGINX) ? ['direct', 'nginx', 'pglite'] : ['direct', 'pglite'];
    for (const v of variants) {
      expect(written.perRound['read-c1']?.[v]?.rps?.length).toBe(1);
      expect(written.perRound['ws-first-frame']?.[v]?.ms?.length).toBe(1);
    }
    expect(written.perRound.login?.pglite?.ms?.length).toBe(1);
    const cpu = written.rows.find((r) => r.measure === 'CPU ms/request (own process)');
    expect(cpu?.cells.pglite?.median).toBeGreaterThan(0);
  });
});
