// Runs `rack-gateway-server` as a real child process and captures its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.ts';

const REPO = join(import.meta.dirname, '..', '..');
const BIN = join(REPO, 'packages', 'server', 'src', 'bin.ts');
const TSX = import.meta.resolve('tsx');

export interface GatewayProcess {
  readonly url: string;
  readonly port: number;
  readonly cwd: string;
  readonly child: ChildProcess;
  output(): string;
  health(): Promise<{ status: number; body: unknown }>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly port?: number;
}

export async function startGateway(options: StartOptions): Promise<GatewayProcess> {
  const port = options.port ?? (await freePort());
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'rgw-e2e-'));
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...options.args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const gateway: GatewayProcess = {
    url,
    port,
    cwd,
    child,
    output: () => log,
    async health() {
      const res = await fetch(`${url}/api/v1/health`);
      return { status: res.status, body: await res.json() };
    },
    async waitHealthy(timeoutMs = 60_000) {
      await waitFor(
        async () => (await gateway.health()).status === 200,
        timeoutMs,
        `gateway health\n${log}`,
      );
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
  return gateway;
}

/**
 * `serve --demo` on free ports (gateway, mock IdP and, unless `env` names a rack, mock rack),
 * healthy before it returns.
 */
export async function startDemoGateway(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await startGateway({
    args: ['serve', '--demo'],
    env: {
      MOCK_IDP_PORT: String(await freePort()),
      MOCK_RACK_PORT: String(await freePort()),
      LOG_FORMAT: 'json',
      ...env,
    },
  });
  await gateway.waitHealthy(60_000);
  return gateway;
}
