// Where the admin socket and its secret live (inside the embedded database's data directory), and
// the permission checks both ends make before trusting them. The OS account is the authentication:
// only the account that owns the data directory may connect, and nobody else may be able to put
// a socket or secret of their own in its place.
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface AdminSocketPaths {
  readonly socket: string;
  readonly secret: string;
}

export function adminSocketPaths(dataDir: string): AdminSocketPaths {
  return { socket: join(dataDir, 'admin.sock'), secret: join(dataDir, 'admin.secret') };
}

/** Longest Unix socket path Linux and macOS accept (sun_path holds 104-108 bytes with the NUL). */
export const MAX_SOCKET_PATH_BYTES = 103;

const uid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null);

function ownerProblem(what: string, path: string, owner: number): string | null {
  const me = uid();
  return me !== null && owner !== me
    ? `${what} ${path} belongs to uid ${owner}, not to this account (uid ${me})`
    : null;
}

/** Why the data directory cannot host the socket, or null: it must be ours and writable by us only. */
export function directoryProblem(dataDir: string): string | null {
  if (uid() === null) return 'the admin socket needs a Unix system';
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dataDir);
  } catch (e) {
    return `the data directory ${dataDir} cannot be read (${(e as NodeJS.ErrnoException).code})`;
  }
  if (!st.isDirectory()) return `${dataDir} is not a directory`;
  const owner = ownerProblem('the data directory', dataDir, st.uid);
  if (owner !== null) return owner;
  if ((st.mode & 0o022) !== 0)
    return `the data directory ${dataDir} is writable by other accounts (run: chmod 700 ${dataDir})`;
  return null;
}

/** Why an existing path cannot be trusted as ours (wrong type, owner or mode), or null. */
export function fileProblem(
  path: string,
  kind: 'socket' | 'secret',
): { problem: string; missing: boolean } | null {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: `${path} does not exist (${code})`, missing: code === 'ENOENT' };
  }
  const typeOk = kind === 'socket' ? st.isSocket() : st.isFile();
  if (!typeOk) return { problem: `${path} is not a ${kind} file`, missing: false };
  const owner = ownerProblem(`the ${kind}`, path, st.uid);
  if (owner !== null) return { problem: owner, missing: false };
  if ((st.mode & 0o077) !== 0)
    return {
      problem: `${path} is accessible to other accounts (mode must be 0600)`,
      missing: false,
    };
  return null;
}
