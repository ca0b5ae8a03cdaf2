// Entry point of configuration: mode → demo defaults → development secrets → parse → build → freeze.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  buildDatabase,
  buildOidc,
  buildRack,
  buildSecrets,
  buildServer,
  type Ctx,
} from './build-config.js';
import {
  buildAudit,
  buildEmail,
  buildIntegrations,
  buildOps,
  buildWebauthn,
} from './build-sections.js';
import { loadOrCreateDevSecrets, missingGeneratedSecrets } from './dev-secrets.js';
import { type EnvProblem, parseEnv, type RawEnv, readRaw } from './parse-env.js';
import type { Config, Mode } from './types.js';
import { SERVER_VERSION } from './version.js';

export interface LoadOptions {
  readonly demo?: boolean;
  readonly port?: number;
  readonly cwd?: string;
  /** When false, development secrets are not generated or written (used by `config check`). */
  readonly persistSecrets?: boolean;
}

export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: EnvProblem[] }
  | { readonly ok: false; readonly errors: EnvProblem[]; readonly warnings: EnvProblem[] };

export class ConfigError extends Error {
  constructor(readonly problems: readonly EnvProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
  }
}

export function formatProblems(problems: readonly EnvProblem[]): string {
  return ['Invalid configuration:', ...problems.map((p) => `  - ${p.variable}: ${p.rule}`)].join(
    '\n',
  );
}

export function modeOf(raw: RawEnv, demo: boolean): Mode {
  if (demo) return 'demo';
  return ['true', '1', 'yes'].includes((readRaw(raw, 'DEV_MODE') ?? '').toLowerCase())
    ? 'development'
    : 'production';
}

function withDevSecrets(
  raw: RawEnv,
  mode: Mode,
  cwd: string,
  persist: boolean,
): { env: RawEnv; generated: boolean } {
  const missing = missingGeneratedSecrets(raw);
  if (mode === 'production' || missing.length === 0) return { env: raw, generated: false };
  if (!persist) {
    // Validation only (config check): stand-in values, nothing written to disk.
    const ephemeral = Object.fromEntries(missing.map((n) => [n, randomBytes(32).toString('hex')]));
    return { env: { ...raw, ...ephemeral }, generated: true };
  }
  const defaultDir = mode === 'demo' ? './.rack-gateway/demo' : './.rack-gateway';
  const dataDir = resolve(cwd, readRaw(raw, 'RGW_DATA_DIR') ?? defaultDir);
  return { env: { ...raw, ...loadOrCreateDevSecrets(dataDir, missing) }, generated: true };
}

export function loadConfig(rawInput: RawEnv, options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const mode = modeOf(rawInput, options.demo === true);
  const withPort =
    options.port === undefined ? rawInput : { ...rawInput, PORT: String(options.port) };
  const parsed = parseEnv(withPort);
  const persist = options.persistSecrets !== false && parsed.errors.length === 0;
  const secrets = withDevSecrets(withPort, mode, cwd, persist);
  const { env, errors } = parseEnv(secrets.env);
  const ctx: Ctx = { env, mode, prod: mode === 'production', errors: [...errors] };
  const server = buildServer(ctx);
  const rack = buildRack(ctx);
  const config: Config = {
    mode,
    devMode: mode !== 'production',
    version: SERVER_VERSION,
    server,
    database: buildDatabase(ctx, cwd),
    secrets: buildSecrets(ctx, secrets.generated),
    oidc: buildOidc(ctx),
    seedUsers: {
      admin: env.ADMIN_USERS,
      deployer: env.DEPLOYER_USERS,
      ops: env.OPERATIONS_USERS,
      viewer: env.VIEWER_USERS,
    },
    rack,
    webauthn: buildWebauthn(ctx, server, rack.alias),
    rateLimit: { rps: env.RATE_LIMIT_RPS, burst: env.RATE_LIMIT_BURST },
    audit: buildAudit(ctx, rack.name),
    email: buildEmail(ctx, server.publicUrl),
    integrations: buildIntegrations(ctx),
    ...buildOps(ctx),
  };
  if (ctx.errors.length > 0)
    return { ok: false, errors: dedupe(ctx.errors), warnings: parsed.warnings };
  return { ok: true, config: deepFreeze(config), warnings: parsed.warnings };
}

function dedupe(problems: EnvProblem[]): EnvProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.variable}\n${p.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof URL) && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
