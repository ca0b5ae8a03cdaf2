// The suite's settings, all from the environment so `npm run bench` needs no arguments. Defaults
// give a run of a few minutes; docs/performance.md names the full-size command.

export const SCENARIOS = [
  'read-c1',
  'read-c10',
  'mutation-c1',
  'mutation-c10',
  'ws-throughput',
  'ws-first-frame',
  'login',
  'start',
  'audit',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly rounds: number;
  /** Length of one load measurement (one variant, one scenario, one round). */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Server URL where the suite may create and drop databases; null: no PostgreSQL variant. */
  readonly databaseUrl: string | null;
  /** The nginx binary; null: no nginx variant. */
  readonly nginx: string | null;
  readonly nginxWorkers: number;
  readonly scenarios: ReadonlySet<ScenarioName>;
  readonly auditSizes: readonly number[];
  /** Requests per audit query kind, per variant and round. */
  readonly auditRepeats: number;
  readonly logins: number;
  readonly wsLines: number;
  readonly wsOpens: number;
  readonly out: string;
  /** Rewrite the table in docs/performance.md. */
  readonly writeDocs: boolean;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
}

const off = (value: string | undefined): boolean =>
  value !== undefined && ['off', 'none', 'false', '0'].includes(value.trim().toLowerCase());

function scenarios(raw: string | undefined): Set<ScenarioName> {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'all') return new Set(SCENARIOS);
  const names = raw.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_SCENARIOS: unknown ${unknown.join(', ')}; use a comma list of ${SCENARIOS.join(', ')}`,
    );
  return new Set(names as ScenarioName[]);
}

function sizes(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [10_000];
  return raw.split(',').map((s) => {
    const n = Number(s.trim().replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'));
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`BENCH_AUDIT_SIZES: "${s}" is not a positive event count (e.g. 10k,1m)`);
    return n;
  });
}

export function benchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const seconds = positive(env, 'BENCH_SECONDS', 10);
  const db = env.BENCH_DATABASE_URL;
  return {
    rounds: Math.round(positive(env, 'BENCH_ROUNDS', 5)),
    seconds,
    warmupSeconds: positive(env, 'BENCH_WARMUP_SECONDS', Math.min(3, seconds)),
    databaseUrl: off(db) ? null : db?.trim() || DEFAULT_DATABASE_URL,
    nginx: off(env.BENCH_NGINX) ? null : env.BENCH_NGINX?.trim() || '/usr/sbin/nginx',
    nginxWorkers: Math.round(positive(env, 'BENCH_NGINX_WORKERS', 1)),
    scenarios: scenarios(env.BENCH_SCENARIOS),
    auditSizes: sizes(env.BENCH_AUDIT_SIZES),
    auditRepeats: Math.round(positive(env, 'BENCH_AUDIT_REPEATS', 5)),
    logins: Math.round(positive(env, 'BENCH_LOGINS', 3)),
    wsLines: Math.round(positive(env, 'BENCH_WS_LINES', 200_000)),
    wsOpens: Math.round(positive(env, 'BENCH_WS_OPENS', 20)),
    out: env.BENCH_OUT?.trim() || 'bench/results/latest.json',
    writeDocs: env.BENCH_WRITE_DOCS === '1' || env.BENCH_WRITE_DOCS === 'true',
  };
}
