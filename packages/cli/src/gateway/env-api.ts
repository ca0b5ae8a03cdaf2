// The gateway's env API (access-control.md §9.2, §11) as the CLI uses it:
//   GET  /api/v1/apps/:app/env               → 200 {"app","release","env":{KEY:VALUE}} (secret and
//                                               protected values masked as 20 `*`; a URL's
//                                               password alone masked the same way)
//   GET  /api/v1/apps/:app/env/secrets[?key=] → 200 the same shape with plaintext values (only KEY
//                                               when `key` is given; step-up)
//   PUT  /api/v1/apps/:app/env {set:{K:V}, remove:[K]} → 200 {"release": "R…" | null, "env": {…}}
// `release` is the new release's id, or null when nothing changed. Unknown fields (secret_keys,
// protected_keys) are ignored.
import { RackProtocolError } from '@rack-gateway/convox';
import type { GatewaySession } from '../context.js';
import { retryRateLimited } from './rate-limit-retry.js';

export const MASK = '*'.repeat(20);

export interface EnvRead {
  /** The response body as received (printed with --json). */
  readonly body: unknown;
  readonly env: Readonly<Record<string, string>>;
}

function envOf(body: unknown): Record<string, string> {
  const env = (body as { env?: unknown } | undefined)?.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env))
    throw new RackProtocolError('the gateway answered the env request without an "env" object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = typeof v === 'string' ? v : String(v);
  return out;
}

const envPath = (app: string) => `/api/v1/apps/${encodeURIComponent(app)}/env`;

export async function readEnv(
  session: GatewaySession,
  app: string,
  options: { readonly reveal: boolean; readonly key?: string },
  interrupt: AbortSignal,
): Promise<EnvRead> {
  const path = options.reveal ? `${envPath(app)}/secrets` : envPath(app);
  const query = options.reveal && options.key ? { key: options.key } : undefined;
  const res = await session.mfa.run((inline) =>
    retryRateLimited(
      () => session.api.send('GET', path, { headers: inline, ...(query ? { query } : {}) }),
      interrupt,
    ),
  );
  return { body: res.body, env: envOf(res.body) };
}

export interface EnvChange {
  readonly set: Readonly<Record<string, string>>;
  readonly remove: readonly string[];
}

/** Applies a change; resolves with the new release id (null when nothing changed). */
export async function updateEnv(session: GatewaySession, app: string, change: EnvChange) {
  const res = await session.mfa.run((inline) =>
    session.api.send('PUT', envPath(app), { json: change, headers: inline }),
  );
  const release = (res.body as { release?: unknown } | undefined)?.release;
  return {
    body: res.body,
    release: typeof release === 'string' && release !== '' ? release : null,
  };
}
