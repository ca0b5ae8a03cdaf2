// Phase 1: the same requests through every variant — straight to the mock rack, through nginx and
// through the two gateways — interleaved round by round (each round runs every scenario on every
// variant, in a rotated order), after an unrecorded warm-up.

import { gatewaySpec, loginUser, type RunContext, roundOrder } from './context.ts';
import type { Endpoint } from './endpoints.ts';
import { startGatewayProcess } from './gateway.ts';
import type { GatewayVariant } from './gateway-env.ts';
import { prepareGateway } from './gateway-prep.ts';
import { startNginx } from './nginx.ts';
import { postgresBackends } from './proc.ts';
import {
  HTTP_SCENARIOS,
  type LoginTarget,
  type Measure,
  measureFirstFrame,
  measureHttp,
  measureLogins,
  measureMemory,
  measurePeakMemory,
  measureThroughput,
} from './proxy-scenarios.ts';
import { basic, startListening } from './rack.ts';

export interface ProxyPhaseInput {
  readonly gateways: ReadonlyMap<GatewayVariant, number>;
  readonly nginx: string | null;
}

interface Variants {
  readonly endpoints: Endpoint[];
  readonly logins: LoginTarget[];
}

/** Users per gateway: one warm-up login, then `logins` per round. */
export const loginUsersNeeded = (ctx: Pick<RunContext, 'options'>): number =>
  ctx.options.scenarios.has('login') ? 1 + ctx.options.rounds * ctx.options.logins : 0;

async function startGateway(ctx: RunContext, variant: GatewayVariant, port: number) {
  const users = Array.from({ length: loginUsersNeeded(ctx) }, (_, i) => loginUser(i));
  const spec = await gatewaySpec(ctx, variant, 'proxy', { port, loginUsers: users });
  console.log(`  preparing the ${variant} gateway (${spec.dir})`);
  const prepared = await prepareGateway(spec);
  const gw = await startGatewayProcess(spec);
  ctx.cleanup.push(() => gw.stop());
  const pid = gw.child.pid;
  const name = spec.databaseName;
  const endpoint: Endpoint = {
    variant,
    base: gw.proxyUrl,
    authorization: basic('convox', prepared.token),
    cpuPids: () => [pid],
    ...(name === null ? {} : { dbPids: () => postgresBackends(name) }),
    memoryPid: pid,
  };
  return { endpoint, login: { variant, url: gw.url, totpSecrets: prepared.totpSecrets } };
}

async function startVariants(ctx: RunContext, input: ProxyPhaseInput): Promise<Variants> {
  const rackPid = ctx.rack.child.pid;
  const endpoints: Endpoint[] = [
    {
      variant: 'direct',
      base: ctx.rack.url,
      authorization: ctx.rack.authorization,
      cpuPids: () => [rackPid],
      memoryPid: rackPid,
    },
  ];
  if (input.nginx !== null) {
    const nginx = await startNginx({
      binary: input.nginx,
      dir: ctx.dir,
      upstreamPort: ctx.rack.port,
      workers: ctx.options.nginxWorkers,
      authorization: ctx.rack.authorization,
    });
    ctx.cleanup.push(() => nginx.close());
    endpoints.push({
      variant: 'nginx',
      base: nginx.url,
      authorization: ctx.rack.authorization,
      cpuPids: () => nginx.workers,
      memoryPid: nginx.workers[0] ?? nginx.child.pid,
    });
  }
  const bare = await startListening(ctx.dir, 'node-proxy', 'node-proxy-main.ts', {
    BENCH_UPSTREAM: ctx.rack.url,
  });
  ctx.cleanup.push(() => bare.child.stop());
  endpoints.push({
    variant: 'node',
    base: bare.url,
    authorization: ctx.rack.authorization,
    cpuPids: () => [bare.child.pid],
    memoryPid: bare.child.pid,
  });
  const logins: LoginTarget[] = [];
  for (const [variant, port] of input.gateways) {
    const started = await startGateway(ctx, variant, port);
    endpoints.push(started.endpoint);
    logins.push(started.login);
  }
  return { endpoints, logins };
}

async function httpScenarios(
  ctx: RunContext,
  order: readonly Endpoint[],
  m: Measure,
  seconds: number,
) {
  for (const s of HTTP_SCENARIOS) {
    if (!ctx.options.scenarios.has(s.name)) continue;
    for (const e of order) await measureHttp(m, s, e, seconds);
  }
}

async function socketScenarios(ctx: RunContext, order: readonly Endpoint[], m: Measure) {
  const o = ctx.options;
  if (o.scenarios.has('ws-first-frame')) {
    await ctx.rack.appendLogs(m.app, ['a line for the first frame']);
    for (const e of order) await measureFirstFrame(m, e, m.record ? o.wsOpens : 2);
  }
  if (!o.scenarios.has('ws-throughput')) return;
  const app = ctx.rack.streamApp;
  const append = (lines: readonly string[]) => ctx.rack.appendLogs(app, lines);
  for (const e of order) await measureThroughput(m, e, app, m.record ? o.wsLines : 2000, append);
}

async function loginScenario(ctx: RunContext, logins: readonly LoginTarget[], m: Measure) {
  const o = ctx.options;
  if (!o.scenarios.has('login')) return;
  // Each login is a user's first: one TOTP code per user and 30-s step is all MFA accepts.
  const first = m.record ? 1 + m.round * o.logins : 0;
  const users = Array.from({ length: m.record ? o.logins : 1 }, (_, i) => loginUser(first + i));
  for (const g of roundOrder(logins, m.round)) await measureLogins(m, g, users);
}

async function oneRound(ctx: RunContext, v: Variants, m: Measure, seconds: number): Promise<void> {
  const order = roundOrder(v.endpoints, m.round);
  await httpScenarios(ctx, order, m, seconds);
  await socketScenarios(ctx, order, m);
  await loginScenario(ctx, v.logins, m);
}

/** Runs the phase; resolves to a function that stops what the phase started. */
export async function proxyPhase(
  ctx: RunContext,
  input: ProxyPhaseInput,
): Promise<() => Promise<void>> {
  const first = ctx.cleanup.length;
  const v = await startVariants(ctx, input);
  const stoppers = ctx.cleanup.slice(first);
  const base = { results: ctx.results, app: ctx.rack.app };
  console.log(`  warm-up (${ctx.options.warmupSeconds} s per scenario and variant)`);
  await oneRound(ctx, v, { ...base, round: 0, record: false }, ctx.options.warmupSeconds);
  for (let round = 0; round < ctx.options.rounds; round++) {
    await new Promise((r) => setTimeout(r, 1000));
    const m: Measure = { ...base, round, record: true };
    for (const e of v.endpoints) measureMemory(m, e);
    console.log(`  round ${round + 1} of ${ctx.options.rounds}`);
    await oneRound(ctx, v, m, ctx.options.seconds);
  }
  for (const e of v.endpoints) measurePeakMemory(ctx.results, e);
  return async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
}
