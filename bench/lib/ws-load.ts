// Log streaming over the rack's WebSocket protocol, as `convox logs` uses it: time to the first
// frame of a fresh socket, and the rate at which a following socket delivers lines the rack emits
// (lines are appended through the mock rack's control API in large batches).
import WebSocket from 'ws';
import { cpuSince, cpuSnapshot } from './proc.ts';

export interface WsTarget {
  /** ws:// URL of the app's log socket. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly origin: string;
}

const LINE = `${'x'.repeat(100)} bench log line`;
const BATCH = 2000;

function open(target: WsTarget, options: Record<string, string>): WebSocket {
  return new WebSocket(target.url, {
    headers: { ...target.headers, ...options },
    origin: target.origin,
    perMessageDeflate: false,
  });
}

/** Milliseconds from opening a socket to its first frame (the app has at least one line). */
export function firstFrameMs(target: WsTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const socket = open(target, { follow: 'false', tail: '1', since: '24h' });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no log frame within 30 s from ${target.url}`));
    }, 30_000);
    socket.once('message', () => {
      clearTimeout(timer);
      resolve(performance.now() - began);
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`log socket refused: HTTP ${res.statusCode} from ${target.url}`));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export interface WsThroughput {
  readonly linesPerSecond: number;
  readonly cpuMsPerLine: number | null;
}

function following(target: WsTarget): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = open(target, { follow: 'true', tail: '0' });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`log socket refused: HTTP ${res.statusCode} from ${target.url}`)),
    );
    socket.once('error', reject);
  });
}

/** Lines per second a following socket receives while `lines` lines are appended at the rack. */
export async function logThroughput(
  target: WsTarget,
  lines: number,
  append: (lines: readonly string[]) => Promise<void>,
  cpuPids: () => readonly number[],
): Promise<WsThroughput> {
  const socket = await following(target);
  let received = 0;
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${received} of ${lines} log lines within 120 s`)),
      120_000,
    );
    socket.on('message', () => {
      received += 1;
      if (received >= lines) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // The rack subscribes the socket while upgrading it; a short pause keeps set-up out of the rate.
  await new Promise((r) => setTimeout(r, 100));
  const pids = cpuPids();
  const cpu0 = cpuSnapshot(pids);
  const began = performance.now();
  for (let sent = 0; sent < lines; sent += BATCH)
    await append(Array.from({ length: Math.min(BATCH, lines - sent) }, () => LINE));
  await all;
  const seconds = (performance.now() - began) / 1000;
  const cpu = cpuSince(cpu0, pids);
  socket.close();
  return { linesPerSecond: lines / seconds, cpuMsPerLine: pids.length > 0 ? cpu / lines : null };
}
