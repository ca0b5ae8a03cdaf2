// Log sockets (mock-rack.md §8.4): select lines by Since/Tail/Filter, format with or without
// prefix, then EOF or keep following new lines until the client closes. Build logs replay the whole
// build log and follow it until the build finishes.
import { type DecodedOptions, type LOG_OPTIONS, RackTime } from '@rack-gateway/convox';
import type { World } from '../core/world.js';
import { APP_LOG_LIMIT, type BuildRecord, type LogEntry } from '../state/model.js';
import type { RackSocket } from './rack-socket.js';

export type LogOptions = DecodedOptions<typeof LOG_OPTIONS>;

export interface LogScope {
  /** The app whose buffer is read; null for rack-level events. */
  readonly app: string | null;
  readonly accepts: (entry: LogEntry) => boolean;
}

const DEFAULT_SINCE_MS = 120_000;

export function formatLine(entry: LogEntry, prefix: boolean): string {
  if (!prefix) return `${entry.message}\n`;
  return `${RackTime.fromMillis(entry.time).toSecondsString()} ${entry.source} ${entry.message}\n`;
}

function initialLines(world: World, scope: LogScope, options: LogOptions): LogEntry[] {
  const buffer = scope.app === null ? world.state.systemLogs : (world.app(scope.app)?.logs ?? []);
  const since = world.now() - (options.since ?? DEFAULT_SINCE_MS);
  const filter = options.filter;
  // The buffer may hold a little more than the limit until it is trimmed (LOG_TRIM_SLACK).
  const lines = buffer
    .slice(-APP_LOG_LIMIT)
    .filter((e) => e.time >= since && scope.accepts(e) && (!filter || e.message.includes(filter)));
  return options.tail === undefined ? lines : lines.slice(Math.max(0, lines.length - options.tail));
}

export function streamLogs(
  world: World,
  socket: RackSocket,
  scope: LogScope,
  options: LogOptions,
): void {
  const prefix = options.prefix === true;
  for (const entry of initialLines(world, scope, options)) socket.send(formatLine(entry, prefix));
  if (options.follow === false) {
    socket.end();
    return;
  }
  const unsubscribe = world.onLog((app, entry) => {
    if (app !== scope.app || !scope.accepts(entry)) return;
    if (options.filter && !entry.message.includes(options.filter)) return;
    socket.send(formatLine(entry, prefix));
  });
  socket.onClose(unsubscribe);
}

export function streamBuildLog(socket: RackSocket, build: BuildRecord): void {
  for (const line of build.lines) socket.send(`${line}\n`);
  if (build.finished) {
    socket.end();
    return;
  }
  const listener = (line: string | null): void => {
    if (line === null) {
      build.listeners.delete(listener);
      socket.end();
    } else socket.send(`${line}\n`);
  };
  build.listeners.add(listener);
  socket.onClose(() => build.listeners.delete(listener));
}
