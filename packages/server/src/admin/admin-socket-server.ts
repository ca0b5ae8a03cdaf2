// The running gateway's admin socket: HTTP over a Unix domain socket in the data directory, mode
// 0600, plus a random secret written next to it at each start (mode 0600) that every request
// carries. It exists because the embedded database serves one process: while `serve` holds it, the
// break-glass `users` commands ask the server to run them. One request is one command; the answer
// is the command's outcome (what it prints and its exit code).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EXIT } from '../commands/output.js';
import type { Logger } from '../logging/logger.js';
import { adminSocketPaths, directoryProblem, MAX_SOCKET_PATH_BYTES } from './admin-socket-files.js';
import type { CommandOutcome } from './user-tasks.js';

/** Runs a command by name, or answers null when there is no such command. */
export type AdminCommandHandler = (
  command: string,
  args: Readonly<Record<string, unknown>>,
) => Promise<CommandOutcome | null>;

export interface AdminSocketServer {
  readonly path: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const COMMAND_PATH = /^\/v1\/commands\/([a-z][a-z.-]{0,63})$/;

const refusal = (message: string): CommandOutcome => ({
  code: EXIT.usage,
  stdout: [],
  stderr: [`admin socket: ${message}`],
});

function answer(res: ServerResponse, status: number, outcome: CommandOutcome): void {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify(outcome));
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseArgs(body: string): Readonly<Record<string, unknown>> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function secretMatches(header: string | undefined, secret: Buffer): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '', 'utf8');
  return given.length === secret.length && timingSafeEqual(given, secret);
}

function requestHandler(secret: Buffer, handle: AdminCommandHandler, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!secretMatches(req.headers.authorization, secret)) {
      logger.warn('admin socket: refused a request without the current secret');
      return answer(res, 401, refusal('refused: the request does not carry the current secret'));
    }
    const command = req.method === 'POST' ? COMMAND_PATH.exec(req.url ?? '')?.[1] : undefined;
    if (command === undefined) return answer(res, 404, refusal('no such request'));
    const body = await readBody(req);
    if (body === null) return answer(res, 413, refusal('request too large'));
    const args = parseArgs(body);
    if (args === null) return answer(res, 400, refusal('the arguments must be a JSON object'));
    const outcome = await handle(command, args);
    if (outcome === null) return answer(res, 404, refusal(`unknown command ${command}`));
    logger.info({ command, exit_code: outcome.code }, 'admin socket: command run');
    answer(res, 200, outcome);
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The socket is created with the umask's mode; a strict umask while it is bound means it is
    // never connectable by other accounts, not even between bind and the chmod below.
    const previous = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
}

/**
 * Listens on `<dataDir>/admin.sock`, or answers the reason it cannot (the caller logs it; the
 * gateway serves without a socket then). The caller holds the data directory's lock, so a socket
 * or secret left there belongs to a process that is gone.
 */
export async function startAdminSocketServer(deps: {
  readonly dataDir: string;
  readonly handle: AdminCommandHandler;
  readonly logger: Logger;
}): Promise<AdminSocketServer | { problem: string }> {
  const paths = adminSocketPaths(deps.dataDir);
  const problem = directoryProblem(deps.dataDir);
  if (problem !== null) return { problem };
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH_BYTES)
    return { problem: `the socket path ${paths.socket} is too long: use a shorter RGW_DATA_DIR` };
  const secret = randomBytes(32).toString('base64url');
  rmSync(paths.secret, { force: true });
  writeFileSync(paths.secret, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  rmSync(paths.socket, { force: true });
  const handler = requestHandler(Buffer.from(secret, 'utf8'), deps.handle, deps.logger);
  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      deps.logger.error({ err: e }, 'admin socket: request failed');
      if (!res.headersSent) answer(res, 500, refusal('the server failed to run the command'));
    });
  });
  server.headersTimeout = 10_000;
  try {
    await listen(server, paths.socket);
    chmodSync(paths.socket, 0o600);
  } catch (e) {
    rmSync(paths.secret, { force: true });
    return { problem: `cannot listen on ${paths.socket}: ${(e as Error).message}` };
  }
  return {
    path: paths.socket,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(paths.socket, { force: true });
      rmSync(paths.secret, { force: true });
    },
  };
}
