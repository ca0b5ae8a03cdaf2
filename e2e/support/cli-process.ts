// Runs the real `rack-gateway` binary for end-to-end tests: captured stdout/stderr, an exit code,
// waiting for output, and SIGINT for Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './ports.ts';

const BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'bin', 'rack-gateway.js');

export interface CliProcess {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
  stderr(): string;
  /** Waits until stderr or stdout matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export function startCli(
  args: readonly string[],
  env: Record<string, string>,
  stdin = '',
): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdin?.end(stdin);
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err })),
  );
  return {
    child,
    exit,
    stdout: () => out,
    stderr: () => err,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      let match: RegExpExecArray | null = null;
      await waitFor(
        async () => {
          match = pattern.exec(`${out}\n${err}`);
          return match !== null;
        },
        timeoutMs,
        `${pattern} in the CLI output\n${out}\n${err}`,
      );
      return match as unknown as RegExpExecArray;
    },
  };
}

export function runCli(args: readonly string[], env: Record<string, string>, stdin = '') {
  return startCli(args, env, stdin).exit;
}
