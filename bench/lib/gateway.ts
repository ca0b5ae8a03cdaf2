// A gateway under test: `rack-gateway-server serve` as its own process, so its CPU time and memory
// are its own: the production bundle (packages/server/dist/bin.js, built once per run) by default,
// or the TypeScript sources through tsx with BENCH_SERVER=tsx (as the end-to-end suites run it).
// Its output (JSON logs and audit lines, as in production) goes to a file in its directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, spawnLogged, TSX } from './child.ts';
import { dataDirOf, type GatewaySpec, gatewayEnv } from './gateway-env.ts';

const SERVER = join(import.meta.dirname, '..', '..', 'packages', 'server');

let built = false;

/** The node arguments that run `rack-gateway-server`: the bundle (built on first use) or tsx. */
function serverCommand(): string[] {
  if (process.env.BENCH_SERVER === 'tsx') return ['--import', TSX, join(SERVER, 'src', 'bin.ts')];
  if (!built) {
    execFileSync('npx', ['tsup'], { cwd: SERVER, stdio: 'ignore' });
    built = true;
  }
  return [join(SERVER, 'dist', 'bin.js')];
}

export interface GatewayProcess {
  readonly url: string;
  /** Base URL of the rack proxy (`…/api/v1/rack-proxy`). */
  readonly proxyUrl: string;
  readonly child: Child;
  /** Milliseconds from spawning the process to the first healthy answer. */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** BENCH_PROFILE=1: a V8 CPU profile of each gateway, written when it stops (bench/profile.ts reads it). */
function profiling(spec: GatewaySpec): string[] {
  if (process.env.BENCH_PROFILE !== '1') return [];
  return ['--cpu-prof', `--cpu-prof-dir=${join(spec.dir, 'profile')}`];
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/health`);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts the process and waits until it reports healthy (polled every 20 ms). */
export async function startGatewayProcess(
  spec: GatewaySpec,
  timeoutMs = 120_000,
): Promise<GatewayProcess> {
  mkdirSync(dataDirOf(spec), { recursive: true, mode: 0o700 });
  const url = `http://127.0.0.1:${spec.port}`;
  const began = performance.now();
  const child = spawnLogged(process.execPath, [...profiling(spec), ...serverCommand(), 'serve'], {
    env: gatewayEnv(spec),
    cwd: spec.dir,
    logFile: join(spec.dir, 'gateway.log'),
  });
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = began + timeoutMs;
  while (!(await healthy(url))) {
    if (exited || performance.now() > deadline) {
      await child.stop('SIGKILL');
      throw new Error(
        `the ${spec.variant} gateway ${exited ? 'exited' : 'did not become healthy'} (log ${child.logFile}):\n${child.tail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    proxyUrl: `${url}/api/v1/rack-proxy`,
    child,
    startMs: performance.now() - began,
    stop: () => child.stop(),
  };
}
