// The `users` commands' side of the admin socket: check that the socket and the secret next to it
// belong to this account, send one command and return the server's outcome, or say why no server
// answered (the command then prints what to do; it never falls back to anything else).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { adminSocketPaths, directoryProblem, fileProblem } from './admin-socket-files.js';
import type { CommandOutcome } from './user-tasks.js';

export type AdminSocketReply =
  | { readonly kind: 'answered'; readonly outcome: CommandOutcome }
  | { readonly kind: 'unreachable'; readonly socket: string; readonly reason: string };

/** Generous: the command waits for the audit event to be committed, behind the server's own work. */
const ANSWER_TIMEOUT_MS = 60_000;

const strings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

function outcomeOf(body: string): CommandOutcome | null {
  try {
    const v = JSON.parse(body) as Partial<Record<keyof CommandOutcome, unknown>>;
    return typeof v.code === 'number' && strings(v.stdout) && strings(v.stderr)
      ? { code: v.code, stdout: v.stdout, stderr: v.stderr }
      : null;
  } catch {
    return null;
  }
}

function readSecret(path: string): string | { problem: string } {
  const problem = fileProblem(path, 'secret');
  if (problem !== null) return { problem: problem.problem };
  return readFileSync(path, 'utf8').trim();
}

function post(
  socketPath: string,
  secret: string,
  command: string,
  args: unknown,
): Promise<CommandOutcome | { problem: string }> {
  const body = JSON.stringify(args);
  return new Promise((resolve) => {
    const req = request(
      {
        socketPath,
        method: 'POST',
        path: `/v1/commands/${command}`,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        timeout: ANSWER_TIMEOUT_MS,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve(outcomeOf(text) ?? { problem: `unexpected answer (HTTP ${res.statusCode})` }),
        );
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({
        problem: `no answer within ${ANSWER_TIMEOUT_MS / 1000} s (check the audit log for whether it ran)`,
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ problem: e.code ?? e.message }));
    req.end(body);
  });
}

/** Sends `command` to the server that holds `dataDir`'s embedded database. */
export async function callAdminSocket(
  dataDir: string,
  command: string,
  args: unknown,
): Promise<AdminSocketReply> {
  const paths = adminSocketPaths(dataDir);
  const unreachable = (reason: string): AdminSocketReply => ({
    kind: 'unreachable',
    socket: paths.socket,
    reason,
  });
  const dir = directoryProblem(dataDir);
  if (dir !== null) return unreachable(dir);
  const socket = fileProblem(paths.socket, 'socket');
  if (socket !== null) return unreachable(socket.missing ? 'no socket there' : socket.problem);
  const secret = readSecret(paths.secret);
  if (typeof secret !== 'string') return unreachable(secret.problem);
  const reply = await post(paths.socket, secret, command, args);
  return 'problem' in reply ? unreachable(reply.problem) : { kind: 'answered', outcome: reply };
}
