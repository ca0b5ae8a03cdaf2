// The built-in command set of exec and run (mock-rack.md §8.3). Each command writes its output and
// returns its exit code; shells (`sh -c`, interactive `sh`) run lines through this same table.
import { formatRfc3339 } from '@rack-gateway/convox';
import { type CommandEnv, type CommandIo, LineReader } from './io.js';
import { commandSteps, ShellSyntaxError, splitWords } from './shell-words.js';

type Command = (args: string[], env: CommandEnv, io: CommandIo) => Promise<number> | number;

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, '\\': 92 };

/** printf's escapes: `\n`, `\t`, `\\` and `\xHH` (any byte, so output may be non-UTF-8). */
function printfBytes(text: string): Buffer {
  const parts = text.split(/(\\x[0-9a-fA-F]{2}|\\[nt\\])/);
  return Buffer.concat(
    parts.map((part) => {
      if (/^\\x[0-9a-fA-F]{2}$/.test(part))
        return Buffer.from([Number.parseInt(part.slice(2), 16)]);
      const simple =
        part.length === 2 && part[0] === '\\' ? SIMPLE_ESCAPES[part[1] ?? ''] : undefined;
      return simple === undefined ? Buffer.from(part, 'utf8') : Buffer.from([simple]);
    }),
  );
}

function echo(args: string[], _env: CommandEnv, io: CommandIo): number {
  const noNewline = args[0] === '-n';
  const words = noNewline ? args.slice(1) : args;
  io.write(`${words.join(' ')}${noNewline ? '' : '\n'}`);
  return 0;
}

function printenv(args: string[], env: CommandEnv, io: CommandIo): number {
  const key = args[0];
  if (key === undefined) {
    const keys = [...env.env.keys()].sort();
    io.write(keys.map((k) => `${k}=${env.env.get(k)}\n`).join(''));
    return 0;
  }
  const value = env.env.get(key);
  if (value === undefined) return 1;
  io.write(`${value}\n`);
  return 0;
}

async function cat(_args: string[], _env: CommandEnv, io: CommandIo): Promise<number> {
  for (let chunk = await io.read(); chunk !== null; chunk = await io.read()) io.write(chunk);
  return 0;
}

async function sleep(args: string[], _env: CommandEnv, io: CommandIo): Promise<number> {
  const seconds = Number(args[0] ?? '0');
  if (!Number.isFinite(seconds)) {
    io.write(`sleep: invalid time interval '${args[0]}'\n`);
    return 1;
  }
  await io.sleep(seconds * 1000);
  return 0;
}

function exit(args: string[]): number {
  const code = Number.parseInt(args[0] ?? '0', 10);
  return Number.isNaN(code) ? 2 : code & 0xff;
}

const fixed =
  (text: (env: CommandEnv) => string): Command =>
  (_args, env, io) => {
    io.write(`${text(env)}\n`);
    return 0;
  };

async function shell(args: string[], env: CommandEnv, io: CommandIo): Promise<number> {
  if (args[0] === '-c') return runLine(args[1] ?? '', env, io);
  const lines = new LineReader(io);
  let status = 0;
  for (;;) {
    io.write('/app $ ');
    const line = await lines.readLine();
    if (line === null || io.aborted()) return status;
    const words = splitWords(line);
    if (words[0] === 'exit') return exit(words.slice(1));
    status = await runLine(line, env, io);
  }
}

const COMMANDS: Readonly<Record<string, Command>> = {
  echo,
  printf: (args, _env, io) => {
    io.write(printfBytes(args.join(' ')));
    return 0;
  },
  env: (_args, env, io) => printenv([], env, io),
  printenv,
  cat,
  sleep,
  exit,
  true: () => 0,
  false: () => 1,
  pwd: fixed(() => '/app'),
  whoami: fixed(() => 'app'),
  hostname: fixed((env) => env.podId),
  uname: fixed(() => 'Linux'),
  date: fixed((env) => formatRfc3339(Math.floor(env.now() / 1000) * 1000)),
  ls: fixed((env) => env.entries.join('\n')),
  sh: shell,
  bash: shell,
};

async function runScript(line: string, env: CommandEnv, io: CommandIo): Promise<number | null> {
  const script = env.scripts.get(line.trim());
  if (!script) return null;
  if (script.delayMs) await io.sleep(script.delayMs);
  for (const out of script.output) io.write(`${out}\n`);
  return script.exitCode;
}

/** Runs one argv; unknown commands print `sh: 1: <name>: not found` and exit 127. */
export async function runArgv(argv: string[], env: CommandEnv, io: CommandIo): Promise<number> {
  const [name = '', ...args] = argv;
  const scripted = await runScript(argv.join(' '), env, io);
  if (scripted !== null) return scripted;
  const command = COMMANDS[name];
  if (!command) {
    io.write(`sh: 1: ${name}: not found\n`);
    return 127;
  }
  return command(args, env, io);
}

/** Runs a command line with `&&` and `;`; the status is the last command's. */
export async function runLine(line: string, env: CommandEnv, io: CommandIo): Promise<number> {
  const scripted = await runScript(line, env, io);
  if (scripted !== null) return scripted;
  let steps: ReturnType<typeof commandSteps>;
  try {
    steps = commandSteps(line);
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    io.write(`sh: 1: Syntax error: ${err.message}\n`);
    return 2;
  }
  let status = 0;
  for (const step of steps) {
    if (io.aborted()) break;
    if (step.after === '&&' && status !== 0) continue;
    if (step.argv[0] === 'exit') return exit(step.argv.slice(1));
    status = await runArgv(step.argv, env, io);
  }
  return status;
}
