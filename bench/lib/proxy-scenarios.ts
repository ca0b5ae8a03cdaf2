// The measurements of the proxy phase, each for one variant and one round: HTTP load (reads and
// audited mutations), log socket first frame and throughput, CLI login round trips, memory.
import { type Endpoint, type HttpKind, httpTarget, logSocket } from './endpoints.ts';
import { httpLoad } from './http-load.ts';
import { loginRoundTripMs } from './login.ts';
import { peakRssMb, rssMb } from './proc.ts';
import type { Results, Variant } from './results.ts';
import { median } from './stats.ts';
import { firstFrameMs, logThroughput } from './ws-load.ts';

export interface HttpScenario {
  readonly name: 'read-c1' | 'read-c10' | 'mutation-c1' | 'mutation-c10';
  readonly kind: HttpKind;
  readonly connections: number;
}

export const HTTP_SCENARIOS: readonly HttpScenario[] = [
  { name: 'read-c1', kind: 'read', connections: 1 },
  { name: 'read-c10', kind: 'read', connections: 10 },
  { name: 'mutation-c1', kind: 'mutation', connections: 1 },
  { name: 'mutation-c10', kind: 'mutation', connections: 10 },
];

export interface Measure {
  readonly results: Results;
  readonly app: string;
  readonly round: number;
  /** False during warm-up: run, but keep nothing. */
  readonly record: boolean;
}

export async function measureHttp(
  m: Measure,
  s: HttpScenario,
  e: Endpoint,
  seconds: number,
): Promise<void> {
  const run = await httpLoad(httpTarget(e, s.kind, m.app), s.connections, seconds, {
    pids: e.cpuPids,
    ...(e.dbPids ? { extraPids: e.dbPids } : {}),
  });
  if (run.failures > 0)
    m.results.fail({
      scenario: s.name,
      variant: e.variant,
      round: m.record ? m.round : -1,
      count: run.failures,
      sample: run.firstFailure ?? '',
    });
  if (!m.record) return;
  const add = (metric: string, value: number | null) =>
    m.results.add(s.name, e.variant, metric, value);
  add('rps', run.rps);
  add('p50', run.p50);
  add('p99', run.p99);
  add('cpu', run.cpuMsPerRequest);
  add('dbCpu', run.extraCpuMsPerRequest);
  add('requests', run.requests);
}

export async function measureFirstFrame(m: Measure, e: Endpoint, opens: number): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < opens; i++) samples.push(await firstFrameMs(logSocket(e, m.app)));
  if (m.record) m.results.add('ws-first-frame', e.variant, 'ms', median(samples));
}

export async function measureThroughput(
  m: Measure,
  e: Endpoint,
  app: string,
  lines: number,
  append: (lines: readonly string[]) => Promise<void>,
): Promise<void> {
  const r = await logThroughput(logSocket(e, app), lines, append, e.cpuPids);
  if (!m.record) return;
  m.results.add('ws-throughput', e.variant, 'linesPerSecond', r.linesPerSecond);
  m.results.add('ws-throughput', e.variant, 'cpu', r.cpuMsPerLine);
}

export interface LoginTarget {
  readonly variant: Variant;
  readonly url: string;
  readonly totpSecrets: ReadonlyMap<string, string>;
}

/** `users` log in one after the other; the round's value is their median. */
export async function measureLogins(
  m: Measure,
  g: LoginTarget,
  users: readonly string[],
): Promise<void> {
  const samples: number[] = [];
  for (const email of users)
    samples.push(await loginRoundTripMs(g.url, email, g.totpSecrets.get(email) ?? ''));
  if (m.record) m.results.add('login', g.variant, 'ms', median(samples));
}

export function measureMemory(m: Measure, e: Endpoint): void {
  m.results.add('memory', e.variant, 'idle', rssMb(e.memoryPid));
}

export function measurePeakMemory(results: Results, e: Endpoint): void {
  results.add('memory', e.variant, 'peak', peakRssMb(e.memoryPid));
}
