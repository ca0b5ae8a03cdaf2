// `npm run bench`: the benchmark suite of issue 16. The same workloads go straight to the mock
// rack, through nginx as a plain reverse proxy and through the gateway on PGlite and on
// PostgreSQL (each a child process: its CPU time and memory are its own), interleaved round by
// round; then gateway start-up and the audit API at volume. Prints one table of medians with their
// spread and the targets, writes every per-round value as JSON (BENCH_OUT). Settings: see
// docs/performance.md. Exits 1 when a request failed (the figures would not mean anything).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockIdp } from '@rack-gateway/mock-idp';
import { freePort } from '../e2e/support/ports.ts';
import { idpUsers, type RunContext } from './lib/context.ts';
import { serverInfo } from './lib/databases.ts';
import { type GatewayVariant, IDP_CLIENT_ID, IDP_CLIENT_SECRET } from './lib/gateway-env.ts';
import { nginxVersion } from './lib/nginx.ts';
import { type BenchOptions, benchOptions } from './lib/options.ts';
import {
  describeRun,
  gitCommit,
  load,
  machine,
  type RunMeta,
  writeDocsTable,
  writeJson,
} from './lib/output.ts';
import { auditPhase } from './lib/phase-audit.ts';
import { loginUsersNeeded, proxyPhase } from './lib/phase-proxy.ts';
import { startPhase } from './lib/phase-start.ts';
import { startRack } from './lib/rack.ts';
import { renderTable, tally } from './lib/render.ts';
import { reportRows } from './lib/report.ts';
import { Results } from './lib/results.ts';

const PROXY_SCENARIOS = [
  'read-c1',
  'read-c10',
  'mutation-c1',
  'mutation-c10',
  'ws-throughput',
  'ws-first-frame',
  'login',
] as const;

async function postgresAvailable(o: BenchOptions): Promise<RunMeta['postgres']> {
  if (o.databaseUrl === null) return null;
  try {
    return await serverInfo(o.databaseUrl);
  } catch (e) {
    console.log(`PostgreSQL variant left out: ${(e as Error).message} (set BENCH_DATABASE_URL)`);
    return null;
  }
}

function nginxAvailable(o: BenchOptions): string | null {
  if (o.nginx === null) return null;
  const version = nginxVersion(o.nginx);
  if (version === null)
    console.log(`nginx variant left out: no nginx at ${o.nginx} (set BENCH_NGINX)`);
  return version;
}

async function startIdp(ctx: Omit<RunContext, 'issuer'>, ports: readonly number[]) {
  const idp = await startMockIdp({
    port: 0,
    clients: [
      {
        clientId: IDP_CLIENT_ID,
        clientSecret: IDP_CLIENT_SECRET,
        redirectUris: ports.flatMap((p) => [
          `http://127.0.0.1:${p}/api/v1/auth/web/callback`,
          `http://127.0.0.1:${p}/api/v1/auth/cli/callback`,
        ]),
      },
    ],
    users: idpUsers(loginUsersNeeded(ctx)),
  });
  ctx.cleanup.push(() => idp.close());
  return idp.issuer;
}

async function phases(
  ctx: RunContext,
  gateways: Map<GatewayVariant, number>,
  nginx: string | null,
) {
  const o = ctx.options;
  const variants = [...gateways.keys()];
  if (PROXY_SCENARIOS.some((s) => o.scenarios.has(s))) {
    console.log('proxy phase: direct, nginx and gateways, interleaved');
    const stop = await proxyPhase(ctx, { gateways, nginx: nginx === null ? null : o.nginx });
    await stop();
  }
  if (o.scenarios.has('start')) {
    console.log('start-up phase');
    await startPhase(ctx, variants);
  }
  if (o.scenarios.has('audit')) {
    console.log(`audit phase: ${o.auditSizes.join(', ')} events`);
    await auditPhase(ctx, variants);
  }
}

async function main(): Promise<number> {
  const options = benchOptions();
  const startedAt = new Date().toISOString();
  const loadStart = load();
  const postgres = await postgresAvailable(options);
  const nginx = nginxAvailable(options);
  const dir = mkdtempSync(join(tmpdir(), 'rgw-bench-'));
  const base = { options, dir, results: new Results(), cleanup: [] as (() => Promise<void>)[] };
  let ok = false;
  try {
    const rack = await startRack(dir);
    base.cleanup.push(() => rack.close());
    const gateways = new Map<GatewayVariant, number>([['pglite', await freePort()]]);
    if (postgres !== null) gateways.set('postgres', await freePort());
    const issuer = await startIdp({ ...base, rack }, [...gateways.values()]);
    await phases({ ...base, rack, issuer }, gateways, nginx);
    const meta: RunMeta = {
      startedAt,
      finishedAt: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      cpus: machine(),
      loadAverage: { start: loadStart, end: load() },
      nginx,
      postgres,
    };
    const rows = reportRows(base.results, options.auditSizes);
    const text = `${describeRun(meta, options)}\n\n${renderTable(rows)}`;
    console.log(`\n${text}\n`);
    const { met, missed } = tally(rows);
    console.log(`targets: ${met} met, ${missed} missed`);
    writeJson(options.out, { meta, options, rows, results: base.results });
    console.log(`per-round values: ${options.out}`);
    if (options.writeDocs && !writeDocsTable('docs/performance.md', text))
      console.log('docs/performance.md has no bench:table markers; left unchanged');
    for (const f of base.results.failures)
      console.log(
        `FAILED requests: ${f.scenario} ${f.variant} round ${f.round}: ${f.count} × ${f.sample}`,
      );
    ok = base.results.failures.length === 0;
    return ok ? 0 : 1;
  } finally {
    for (const close of base.cleanup.reverse()) await close().catch(() => undefined);
    if (ok && process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    else console.log(`logs and data of this run: ${dir}`);
  }
}

process.exitCode = await main();
