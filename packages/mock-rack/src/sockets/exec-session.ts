// Exec sockets (mock-rack.md §8.2): the command runs through the built-in interpreter; with a TTY
// output line endings become `\r\n` and input is echoed; stdin frames feed the command until the
// client's EOF; the trailer frame carries the exit code, then EOF. A client disconnect aborts.
import { type DecodedOptions, type EXEC_OPTIONS, exitTrailer } from '@rack-gateway/convox';
import type { World } from '../core/world.js';
import { clockSleep, commandEnv } from '../exec/command-env.js';
import { runLine } from '../exec/commands.js';
import type { CommandIo } from '../exec/io.js';
import type { AppRecord, ProcessRecord } from '../state/model.js';
import type { RackSocket } from './rack-socket.js';

export type ExecOptions = DecodedOptions<typeof EXEC_OPTIONS>;

/** `{pid}` may be a pod id or a service name (its first running pod by id). */
export function findExecTarget(app: AppRecord, pid: string): ProcessRecord | string {
  const pod = app.processes.get(pid);
  if (pod) return pod.data.status === 'running' ? pod : `process is not running: ${pid}`;
  const byService = [...app.processes.values()]
    .filter((p) => p.data.name === pid && p.data.status === 'running')
    .sort((a, b) => (a.data.id < b.data.id ? -1 : 1))[0];
  return byService ?? `process not found: ${pid}`;
}

/** Converts lone `\n` to `\r\n`, as a terminal's output processing does. */
function terminalBytes(data: Buffer): Buffer {
  const out: number[] = [];
  data.forEach((byte, i) => {
    if (byte === 0x0a && data[i - 1] !== 0x0d) out.push(0x0d);
    out.push(byte);
  });
  return Buffer.from(out);
}

class StdinQueue {
  private readonly chunks: (Buffer | null)[] = [];
  private waiter: ((chunk: Buffer | null) => void) | undefined;

  push(chunk: Buffer | null): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w(chunk);
    else this.chunks.push(chunk);
  }

  read(): Promise<Buffer | null> {
    if (this.chunks.length > 0) return Promise.resolve(this.chunks.shift() ?? null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}

function socketIo(world: World, socket: RackSocket, tty: boolean, stdin: StdinQueue): CommandIo {
  const sleeps = new Set<() => void>();
  socket.onClose(() => {
    for (const cancel of sleeps) cancel();
    stdin.push(null);
  });
  return {
    write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (bytes.length > 0) socket.send(tty ? terminalBytes(bytes) : bytes);
    },
    read: () => stdin.read(),
    async sleep(ms) {
      const timer = clockSleep(world, ms);
      sleeps.add(timer.cancel);
      await timer.done;
      sleeps.delete(timer.cancel);
    },
    aborted: () => !socket.isOpen,
  };
}

export function runExec(
  world: World,
  socket: RackSocket,
  app: AppRecord,
  pod: ProcessRecord,
  options: ExecOptions,
): void {
  const tty = options.tty !== false;
  const stdin = new StdinQueue();
  if (options.disableStdin) stdin.push(null);
  else
    socket.onInput(
      (data) => {
        if (tty)
          socket.send(
            terminalBytes(Buffer.from(data.toString('latin1').replaceAll('\r', '\n'), 'latin1')),
          );
        stdin.push(data);
      },
      () => stdin.push(null),
    );
  const io = socketIo(world, socket, tty, stdin);
  runLine(options.command ?? 'sh', commandEnv(world, app, pod), io).then(
    (code) => {
      socket.send(exitTrailer(code));
      socket.end();
    },
    (err: Error) => socket.fail(err.message),
  );
}
