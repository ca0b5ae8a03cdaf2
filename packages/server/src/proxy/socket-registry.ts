// Open proxied sockets of this replica and their teardown on revocation (identity.md §15): a
// revocation commit NOTIFYs `rgw_revocation`; every replica closes the matching sockets. As a
// safety net each replica re-validates the credentials behind its sockets every few seconds, so a
// missed notification still closes them within the limit.
import type { Database } from '../db/database.js';
import type { Logger } from '../logging/logger.js';

export const REVOCATION_CHANNEL = 'rgw_revocation';

export type TerminateReason =
  | 'session_revoked'
  | 'token_revoked'
  | 'user_locked'
  | 'user_suspended'
  | 'user_deleted'
  | 'role_changed'
  /** A user-level notice (lock, suspension, deletion, role or e-mail change, MFA reset). */
  | 'user_changed'
  | 'email_changed'
  | 'mfa_reset';

export interface TrackedSocket {
  readonly kind: 'exec' | 'logs';
  readonly sessionId: string | null;
  readonly tokenId: string | null;
  /** Public uid of the acting user. */
  readonly userId: string;
  /** Closes both sides (in-band error, EOF, close 4001) and records `socket.terminate`. */
  terminate(reason: TerminateReason): void;
}

export interface RevocationNotice {
  readonly kind: 'session' | 'token' | 'user';
  readonly id: string;
  readonly reason?: TerminateReason;
}

export interface SocketRegistryDeps {
  readonly db: Database;
  readonly logger: Logger;
  /** Re-checks the credential behind a socket; returns why it is no longer valid, or null. */
  revalidate(sockets: readonly TrackedSocket[]): Promise<Map<TrackedSocket, TerminateReason>>;
  readonly intervalMs?: number;
}

const DEFAULT_REASON: Record<RevocationNotice['kind'], TerminateReason> = {
  session: 'session_revoked',
  token: 'token_revoked',
  user: 'user_changed',
};

export function parseRevocationNotice(payload: string): RevocationNotice | null {
  try {
    const v = JSON.parse(payload) as Partial<RevocationNotice>;
    if (
      (v.kind === 'session' || v.kind === 'token' || v.kind === 'user') &&
      typeof v.id === 'string'
    ) {
      return { kind: v.kind, id: v.id, ...(v.reason ? { reason: v.reason } : {}) };
    }
  } catch {
    return null;
  }
  return null;
}

function matchesNotice(socket: TrackedSocket, notice: RevocationNotice): boolean {
  if (notice.kind === 'session') return socket.sessionId === notice.id;
  if (notice.kind === 'token') return socket.tokenId === notice.id;
  return socket.userId === notice.id;
}

export function createSocketRegistry(deps: SocketRegistryDeps) {
  const open = new Set<TrackedSocket>();
  let timer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let checking = false;

  const close = (socket: TrackedSocket, reason: TerminateReason): void => {
    if (!open.delete(socket)) return;
    socket.terminate(reason);
  };

  const onNotice = (payload: string): void => {
    const notice = parseRevocationNotice(payload);
    if (notice === null) return;
    for (const socket of [...open]) {
      if (matchesNotice(socket, notice))
        close(socket, notice.reason ?? DEFAULT_REASON[notice.kind]);
    }
  };

  const sweep = async (): Promise<void> => {
    if (checking || open.size === 0) return;
    checking = true;
    try {
      const invalid = await deps.revalidate([...open]);
      for (const [socket, reason] of invalid) close(socket, reason);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'socket re-validation failed; will retry');
    } finally {
      checking = false;
    }
  };

  return {
    /** Tracks a socket until the returned function is called (when it closes by itself). */
    add(socket: TrackedSocket): () => void {
      open.add(socket);
      return () => {
        open.delete(socket);
      };
    },
    size: () => open.size,
    handleNotice: onNotice,
    sweep,
    async start(): Promise<void> {
      unlisten = await deps.db.listen(REVOCATION_CHANNEL, onNotice);
      timer = setInterval(() => void sweep(), deps.intervalMs ?? 5000);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await unlisten?.();
    },
  };
}

export type SocketRegistry = ReturnType<typeof createSocketRegistry>;
