// Rack, credential and app selection (cli.md §3), first match wins. Rack: --rack, RACK_GATEWAY_RACK,
// the environment pair RACK_GATEWAY_URL + RACK_GATEWAY_API_TOKEN (CI, no config needed), `current`.
// Credential: --api-token, RACK_GATEWAY_API_TOKEN, the stored session (which must not be expired).
// App: -a, RACK_GATEWAY_APP, CONVOX_APP, the nearest .convox/app, the directory's name.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, EXIT } from '../errors.js';
import { formatDate } from '../output/format.js';
import type { ConfigData, RackEntry } from './config-file.js';
import { normaliseGatewayUrl } from './gateway-url.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface RackSelection {
  readonly name: string;
  /** The configured entry; undefined for a rack defined only by the environment. */
  readonly entry: RackEntry | undefined;
  /** Gateway URL: RACK_GATEWAY_URL, else the stored one. */
  readonly url: string | undefined;
  /** Where the choice came from, for --debug. */
  readonly source: 'flag' | 'RACK_GATEWAY_RACK' | 'environment' | 'current';
}

export type CredentialKind = 'session' | 'api_token';

export interface Credential {
  readonly value: string;
  readonly kind: CredentialKind;
  readonly source: 'flag' | 'env' | 'config';
}

export function unknownRack(name: string, config: ConfigData): CliError {
  const names = Object.keys(config.racks).sort();
  return new CliError(`Unknown rack "${name}"`, EXIT.notFound, {
    hint:
      names.length > 0
        ? `Configured racks: ${names.join(', ')}`
        : `Run: rack-gateway login ${name} <gateway-url>`,
  });
}

function envPair(env: Env): { url: string; token: string } | undefined {
  const url = env.RACK_GATEWAY_URL;
  const token = env.RACK_GATEWAY_API_TOKEN;
  return url && token ? { url: normaliseGatewayUrl(url), token } : undefined;
}

function envUrl(env: Env, entry: RackEntry | undefined): string | undefined {
  return env.RACK_GATEWAY_URL ? normaliseGatewayUrl(env.RACK_GATEWAY_URL) : entry?.url;
}

export function selectRack(config: ConfigData, env: Env, flag: string | undefined): RackSelection {
  const pair = envPair(env);
  const named: [string | undefined, RackSelection['source']][] = [
    [flag, 'flag'],
    [env.RACK_GATEWAY_RACK || undefined, 'RACK_GATEWAY_RACK'],
  ];
  for (const [name, source] of named) {
    if (name === undefined) continue;
    const entry = config.racks[name];
    if (entry === undefined && pair === undefined) throw unknownRack(name, config);
    return { name, entry, url: envUrl(env, entry), source };
  }
  if (pair !== undefined)
    return { name: new URL(pair.url).host, entry: undefined, url: pair.url, source: 'environment' };
  const current = config.current;
  const entry = current === undefined ? undefined : config.racks[current];
  if (current === undefined || entry === undefined)
    throw new CliError('No rack selected. Run: rack-gateway login <rack> <gateway-url>', EXIT.auth);
  return { name: current, entry, url: envUrl(env, entry), source: 'current' };
}

/** The session's end: the stored `expires_at`, when valid. */
export function sessionExpiry(entry: RackEntry | undefined): Date | undefined {
  if (!entry?.expires_at) return undefined;
  const date = new Date(entry.expires_at);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function resolveCredential(
  rack: RackSelection,
  env: Env,
  flag: string | undefined,
  now: Date,
): Credential {
  if (flag) return { value: flag, kind: 'api_token', source: 'flag' };
  if (env.RACK_GATEWAY_API_TOKEN)
    return { value: env.RACK_GATEWAY_API_TOKEN, kind: 'api_token', source: 'env' };
  const token = rack.entry?.token;
  if (!token)
    throw new CliError(
      `Not logged in to ${rack.name}. Run: rack-gateway login ${rack.name}`,
      EXIT.auth,
    );
  const expiry = sessionExpiry(rack.entry);
  if (expiry !== undefined && expiry.getTime() <= now.getTime())
    throw new CliError(
      `Session for ${rack.name} expired on ${formatDate(expiry)}. Run: rack-gateway login ${rack.name}`,
      EXIT.auth,
    );
  return { value: token, kind: 'session', source: 'config' };
}

export interface AppSelection {
  readonly app: string;
  readonly source: string;
}

function convoxAppFile(cwd: string): AppSelection | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, '.convox', 'app');
    if (existsSync(file)) {
      const app = readFileSync(file, 'utf8').trim();
      if (app) return { app, source: file };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function resolveApp(env: Env, cwd: string, flag: string | undefined): AppSelection {
  if (flag) return { app: flag, source: '--app' };
  for (const name of ['RACK_GATEWAY_APP', 'CONVOX_APP'] as const) {
    const value = env[name];
    if (value) return { app: value, source: name };
  }
  return convoxAppFile(cwd) ?? { app: basename(cwd), source: 'directory name' };
}
