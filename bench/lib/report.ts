// The rows of the one table, in order, with the targets (issue 16) on the rows they
// concern. Ratios and added latencies are taken round by round against the variant that ran in
// the same round; a row's cell is their median with the spread over the rounds.
import { AUDIT_QUERIES } from './audit-api.ts';
import { HTTP_SCENARIOS, type HttpScenario } from './proxy-scenarios.ts';
import { GATEWAYS, type Results, VARIANTS, type Variant } from './results.ts';
import { compared, difference, measured, type Row, ratio, type Target } from './rows.ts';

const PROXIES: readonly Variant[] = ['nginx', 'node', ...GATEWAYS];
const both = (op: '<=' | '>=', value: number) => ({
  pglite: { op, value },
  postgres: { op, value },
});

const TARGET = {
  readsVsNginx: {
    text: '≥ 0.35 PGlite, ≥ 0.5 PostgreSQL',
    limits: { pglite: { op: '>=', value: 0.35 }, postgres: { op: '>=', value: 0.5 } },
  },
  addedP50: { text: '≤ 1 ms', limits: both('<=', 1) },
  addedP99: { text: '≤ 5 ms', limits: both('<=', 5) },
  cpu: { text: '≤ 0.25 ms', limits: both('<=', 0.25) },
  mutationP50: { text: '≤ 5 ms on PostgreSQL', limits: { postgres: { op: '<=', value: 5 } } },
  ws: { text: '≥ 0.9', limits: both('>=', 0.9) },
  rss: {
    text: '≤ 250 MB PGlite, ≤ 150 MB PostgreSQL',
    limits: { pglite: { op: '<=', value: 250 }, postgres: { op: '<=', value: 150 } },
  },
  cold: { text: '≤ 10 s', limits: both('<=', 10) },
  warm: { text: '≤ 3 s', limits: both('<=', 3) },
  audit: { text: '≤ 50 ms at 1M on PostgreSQL', limits: { postgres: { op: '<=', value: 50 } } },
} satisfies Record<string, Target>;

function httpRows(r: Results, s: HttpScenario): Row[] {
  const read = s.kind === 'read';
  const label = read
    ? `proxied read GET /apps?, concurrency ${s.connections}`
    : `audited mutation (64 B object upload), concurrency ${s.connections}`;
  const metric = (name: string) => ({ scenario: s.name, metric: name });
  const vs = (base: Variant, measure: string, name: string, combine = ratio, target?: Target) =>
    compared(r, label, {
      metric: metric(name),
      base,
      measure,
      variants: PROXIES,
      combine,
      ...(target ? { target } : {}),
    });
  const m = (name: string, measure: string, variants: readonly Variant[], target?: Target) =>
    measured(r, label, { ...metric(name), measure, variants, ...(target ? { target } : {}) });
  const addedP50 = read ? TARGET.addedP50 : s.connections === 1 ? TARGET.mutationP50 : undefined;
  return [
    m('rps', 'requests/s', VARIANTS),
    m('p50', 'p50 ms', VARIANTS),
    m('p99', 'p99 ms', VARIANTS),
    m('cpu', 'CPU ms/request (own process)', VARIANTS, read ? TARGET.cpu : undefined),
    m('dbCpu', 'CPU ms/request of its PostgreSQL backends', ['postgres']),
    vs(
      'nginx',
      'requests/s ÷ nginx',
      'rps',
      ratio,
      read && s.connections === 10 ? TARGET.readsVsNginx : undefined,
    ),
    vs('direct', 'requests/s ÷ direct', 'rps'),
    compared(r, label, {
      metric: metric('rps'),
      base: 'node',
      measure: 'requests/s ÷ bare Node.js proxy',
      variants: GATEWAYS,
      combine: ratio,
    }),
    vs('direct', 'added p50 over direct, ms', 'p50', difference, addedP50),
    vs(
      'direct',
      'added p99 over direct, ms',
      'p99',
      difference,
      read ? TARGET.addedP99 : undefined,
    ),
  ];
}

function wsRows(r: Results): Row[] {
  const t = 'WebSocket log stream';
  const f = 'WebSocket log socket, time to first frame';
  const tp = { scenario: 'ws-throughput', metric: 'linesPerSecond' };
  const ff = { scenario: 'ws-first-frame', metric: 'ms' };
  return [
    measured(r, t, { ...tp, measure: 'lines/s', variants: VARIANTS }),
    compared(r, t, {
      metric: tp,
      base: 'direct',
      measure: 'lines/s ÷ direct',
      variants: PROXIES,
      combine: ratio,
      target: TARGET.ws,
    }),
    measured(r, t, {
      scenario: 'ws-throughput',
      metric: 'cpu',
      measure: 'CPU ms/line (own process)',
      variants: VARIANTS,
    }),
    measured(r, f, { ...ff, measure: 'ms (median of the round)', variants: VARIANTS }),
    compared(r, f, {
      metric: ff,
      base: 'direct',
      measure: 'added over direct, ms',
      variants: PROXIES,
      combine: difference,
    }),
  ];
}

function gatewayRows(r: Results): Row[] {
  const login = 'CLI login round trip (start, IdP, approve with TOTP, complete)';
  const start = '`serve` to healthy';
  const mem = 'resident memory';
  return [
    measured(r, login, {
      scenario: 'login',
      metric: 'ms',
      measure: 'ms (median of the round)',
      variants: GATEWAYS,
    }),
    measured(r, start, {
      scenario: 'start',
      metric: 'cold',
      measure: 'cold s (empty data dir / database)',
      variants: GATEWAYS,
      target: TARGET.cold,
    }),
    measured(r, start, {
      scenario: 'start',
      metric: 'warm',
      measure: 'warm s (existing one)',
      variants: GATEWAYS,
      target: TARGET.warm,
    }),
    measured(r, mem, {
      scenario: 'memory',
      metric: 'idle',
      measure: 'RSS MB idle (start of each round)',
      variants: VARIANTS,
      target: TARGET.rss,
    }),
    measured(r, mem, {
      scenario: 'memory',
      metric: 'peak',
      measure: 'RSS MB peak',
      variants: VARIANTS,
    }),
  ];
}

const eventsLabel = (n: number): string =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);

function auditRows(r: Results, size: number): Row[] {
  const label = `audit API at ${eventsLabel(size)} events`;
  const scenario = `audit-${size}`;
  const target = size >= 1_000_000 ? TARGET.audit : undefined;
  const rows = Object.entries(AUDIT_QUERIES).map(([kind, path]) =>
    measured(r, label, {
      scenario,
      metric: kind,
      measure: `${kind} ms (${path.replace('/api/v1/audit-logs', '…')})`,
      variants: GATEWAYS,
      ...(target ? { target } : {}),
    }),
  );
  rows.push(
    measured(r, label, {
      scenario,
      metric: 'generatedPerSecond',
      measure: 'events generated/s (set-up)',
      variants: GATEWAYS,
    }),
  );
  return rows;
}

export function reportRows(r: Results, auditSizes: readonly number[]): Row[] {
  const rows = [
    ...HTTP_SCENARIOS.flatMap((s) => httpRows(r, s)),
    ...wsRows(r),
    ...gatewayRows(r),
    ...auditSizes.flatMap((n) => auditRows(r, n)),
  ];
  return rows.filter((row) => Object.keys(row.cells).length > 0);
}
