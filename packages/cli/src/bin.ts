// The `rack-gateway` executable: wires the real process into main() and exits with its code.
// Ctrl-C aborts the interrupt signal (commands end cleanly); a second Ctrl-C exits at once.
import { spawn } from 'node:child_process';
import { homedir, hostname } from 'node:os';
import { DEFAULT_TIMINGS } from './io.js';
import { main } from './main.js';

function browserCommand(url: string): [string, string[]] {
  const custom = process.env.BROWSER;
  if (custom) return [custom, [url]];
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

function openUrl(url: string): Promise<boolean> {
  const [command, args] = browserCommand(url);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

// Whatever happens, never leave the terminal in raw mode (run/exec terminal mode, prompts).
process.on('exit', () => {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
});

// `rack-gateway logs -f | head`: a closed pipe ends the command quietly.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  homedir: homedir(),
  hostname: hostname(),
  platform: process.platform,
  arch: process.arch,
  interrupt: interrupt.signal,
  openUrl,
  now: () => new Date(),
  timings: DEFAULT_TIMINGS,
});
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
