// Prints a log stream to stdout exactly as received until it ends or Ctrl-C closes it (which ends
// the command normally: `logs -f` exits 0 when interrupted).
import type { LogStream } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';

export async function printStream(ctx: CliContext, stream: LogStream): Promise<void> {
  const stop = () => stream.close();
  ctx.io.interrupt.addEventListener('abort', stop, { once: true });
  if (ctx.io.interrupt.aborted) stop();
  try {
    for await (const frame of stream) ctx.out.raw(frame);
  } finally {
    ctx.io.interrupt.removeEventListener('abort', stop);
  }
}
