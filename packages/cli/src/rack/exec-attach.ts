// Attaching the terminal to an exec socket (cli.md §6.2 steps 3–5). Terminal mode: raw mode (always
// restored), every keystroke forwarded, Ctrl-C goes to the remote process. Pipe mode: stdin is
// forwarded until EOF, then the EOF frame; Ctrl-C closes the socket (exit 130). Output bytes are
// written unchanged; the trailer gives the exit code, an `ERROR:` after it means exit 1, and a
// socket ending without a trailer means the connection was lost (exit 7).
import { EXIT_MARKER, ExecTrailerParser, type FrameSocket } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';

const CHUNK = 1024;
const MARKER = Buffer.from(`${EXIT_MARKER}:`);

/** Exec handshake options derived from the local terminal. */
export function terminalOptions(io: CliIo): { height?: number; width?: number; tty?: boolean } {
  const size =
    io.stdout.isTTY && io.stdout.rows && io.stdout.columns
      ? { height: io.stdout.rows, width: io.stdout.columns }
      : {};
  return { ...size, ...(io.stdin.isTTY ? {} : { tty: false }) };
}

function forwardInput(io: CliIo, socket: FrameSocket): () => void {
  const terminal = io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < bytes.length; at += CHUNK)
      socket.sendText(bytes.subarray(at, at + CHUNK));
  };
  const onEnd = () => socket.sendEof();
  if (terminal) io.stdin.setRawMode?.(true);
  io.stdin.on('data', onData);
  io.stdin.once('end', onEnd);
  io.stdin.resume();
  return () => {
    io.stdin.off('data', onData);
    io.stdin.off('end', onEnd);
    if (terminal) io.stdin.setRawMode?.(false);
    io.stdin.pause();
  };
}

async function pumpOutput(ctx: CliContext, socket: FrameSocket) {
  const parser = new ExecTrailerParser();
  let trailer = false;
  for await (const frame of socket.frames) {
    if (!trailer && frame.includes(MARKER)) trailer = true;
    const output = parser.accept(frame);
    if (output.length > 0) ctx.out.raw(output);
  }
  return { trailer, ...parser.outcome() };
}

/** Runs `command` in process `pid` with the local terminal attached; resolves with its exit code. */
export async function attachExec(
  ctx: CliContext,
  app: string,
  pid: string,
  options: Readonly<Record<string, unknown>>,
): Promise<number> {
  const socket = await ctx
    .session()
    .rackAccess.read((c) =>
      c.openSocket('processes.exec', { app, pid }, { ...terminalOptions(ctx.io), ...options }),
    );
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    socket.close();
  };
  ctx.io.interrupt.addEventListener('abort', onAbort, { once: true });
  if (ctx.io.interrupt.aborted) onAbort();
  const restore = forwardInput(ctx.io, socket);
  try {
    const outcome = await pumpOutput(ctx, socket);
    if (interrupted) return EXIT.interrupted;
    if (outcome.error !== undefined) throw new CliError(outcome.error, EXIT.failed);
    if (!outcome.trailer)
      throw new CliError('Connection to the process was lost', EXIT.unavailable);
    return outcome.exitCode;
  } finally {
    restore();
    ctx.io.interrupt.removeEventListener('abort', onAbort);
    socket.close();
  }
}
