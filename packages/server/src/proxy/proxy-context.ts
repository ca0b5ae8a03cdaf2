// What the rack proxy needs, built once in the composition root.
import type { AuditLog } from '../audit/audit-log.js';
import type { TerminalCapture } from '../audit/capture/terminal-capture.js';
import type { Config, RackConnection } from '../config/types.js';
import type { AppEnvPolicy } from '../settings/app-env-policy.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { RackUpstream } from './forward-http.js';
import type { RackTls } from './rack-dispatcher.js';
import type { SocketRegistry } from './socket-registry.js';

export interface ProxyContext {
  readonly config: Config;
  readonly rack: RackConnection;
  readonly upstream: RackUpstream;
  readonly tls: RackTls;
  readonly audit: AuditLog;
  readonly settings: SettingsStore;
  readonly envPolicy: AppEnvPolicy;
  readonly sockets: SocketRegistry;
  readonly capture: TerminalCapture | null;
}

/** The actor recorded in the rack's own audit (convox-rack-api.md §5.2). */
export function actorName(principal: {
  user: { email: string };
  token: { name: string } | null;
}): string {
  return principal.token
    ? `api-token:${principal.token.name} (${principal.user.email})`
    : principal.user.email;
}
