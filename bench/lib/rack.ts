// The mock rack every variant forwards to, in a child process (rack-main.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, spawnLogged, TSX, until } from './child.ts';

export const RACK_PASSWORD = 'bench-rack-pass';

export interface RackProcess {
  readonly url: string;
  readonly port: number;
  readonly child: Child;
  readonly authorization: string;
  /** The first app of the demo scenario: mutations write objects into it, first frames read it. */
  readonly app: string;
  /** Another app, whose log buffer the throughput scenario fills (first frames stay cheap). */
  readonly streamApp: string;
  appendLogs(app: string, lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Starts `main` (a module of this directory) under tsx; it prints `{url, port}` first. */
export async function startListening(
  dir: string,
  name: string,
  main: string,
  env: Record<string, string>,
): Promise<{ url: string; port: number; child: Child }> {
  const logFile = join(dir, `${name}.log`);
  const child = spawnLogged(process.execPath, ['--import', TSX, join(import.meta.dirname, main)], {
    env,
    cwd: dir,
    logFile,
  });
  const readAddress = (): { url: string; port: number } | null => {
    const line = readFileSync(logFile, 'utf8').split('\n')[0] ?? '';
    return line.startsWith('{') ? (JSON.parse(line) as { url: string; port: number }) : null;
  };
  await until(
    async () => readAddress() !== null,
    () => `${name} to listen\n${child.tail()}`,
    30_000,
  );
  return { ...(readAddress() ?? { url: '', port: 0 }), child };
}

export async function startRack(dir: string): Promise<RackProcess> {
  const { url, port, child } = await startListening(dir, 'mock-rack', 'rack-main.ts', {
    BENCH_RACK_PASSWORD: RACK_PASSWORD,
  });
  const authorization = basic('convox', RACK_PASSWORD);
  const apps = (await (await fetch(`${url}/apps`, { headers: { authorization } })).json()) as {
    name: string;
  }[];
  return {
    url,
    port,
    child,
    authorization,
    app: apps[0]?.name ?? 'storefront',
    streamApp: apps[1]?.name ?? apps[0]?.name ?? 'storefront',
    async appendLogs(app, lines) {
      const res = await fetch(`${url}/_mock/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app, lines }),
      });
      if (!res.ok)
        throw new Error(`mock rack refused log lines: ${res.status} ${await res.text()}`);
    },
    close: () => child.stop(),
  };
}
