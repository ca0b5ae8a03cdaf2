// One timed HTTP load run with autocannon, measured from the client (throughput, latency) and from
// the server's side (the CPU time the serving processes spent). Latencies are taken from
// autocannon's per-response times (fractional milliseconds) rather than its histogram, whose
// whole-millisecond buckets cannot show a sub-millisecond difference.
import autocannon from 'autocannon';
import { cpuSince, cpuSnapshot } from './proc.ts';
import { nearestRank } from './stats.ts';

export interface HttpTarget {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

export interface HttpRun {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Responses other than 2xx plus connection errors and timeouts. */
  readonly failures: number;
  readonly firstFailure: string | null;
  /** CPU ms of the serving processes per completed request (null: nothing to measure). */
  readonly cpuMsPerRequest: number | null;
  /** CPU ms of the second group of processes (PostgreSQL backends) per request. */
  readonly extraCpuMsPerRequest: number | null;
}

export interface CpuProbe {
  readonly pids: () => readonly number[];
  readonly extraPids?: () => readonly number[];
}

function run(target: HttpTarget, connections: number, seconds: number, latencies: number[]) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method,
        headers: target.headers,
        ...(target.body ? { body: target.body } : {}),
        connections,
        duration: seconds,
        timeout: 30,
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

async function failureSample(target: HttpTarget): Promise<string> {
  try {
    const res = await fetch(target.url, {
      method: target.method,
      headers: target.headers,
      ...(target.body ? { body: new Uint8Array(target.body) } : {}),
    });
    return `${res.status} ${(await res.text()).slice(0, 200)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function httpLoad(
  target: HttpTarget,
  connections: number,
  seconds: number,
  cpu: CpuProbe,
): Promise<HttpRun> {
  const latencies: number[] = [];
  const pids = cpu.pids();
  const extra = cpu.extraPids?.() ?? [];
  const cpu0 = cpuSnapshot(pids);
  const extra0 = cpuSnapshot(extra);
  const result = await run(target, connections, seconds, latencies);
  const cpuMs = cpuSince(cpu0, cpu.pids());
  const extraMs = cpuSince(extra0, cpu.extraPids?.() ?? []);
  latencies.sort((a, b) => a - b);
  const done = latencies.length;
  const failures = result.non2xx + result.errors + result.timeouts;
  return {
    requests: done,
    rps: done / (result.duration || seconds),
    p50: nearestRank(latencies, 50),
    p99: nearestRank(latencies, 99),
    failures,
    firstFailure: failures > 0 ? await failureSample(target) : null,
    cpuMsPerRequest: pids.length > 0 && done > 0 ? cpuMs / done : null,
    extraCpuMsPerRequest: extra.length > 0 && done > 0 ? extraMs / done : null,
  };
}
