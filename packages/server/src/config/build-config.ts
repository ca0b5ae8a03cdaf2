// Turns the parsed environment into the frozen Config, applying mode-dependent defaults and the
// cross-field rules of config.md §3.13. All problems are collected so an operator fixes them at once.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { EnvProblem } from './parse-env.js';
import { decodeSecret } from './secret-material.js';
import type { Config, HmacKey, Mode, RackConnection } from './types.js';
import type { ParsedEnv, VariableName } from './variables.js';

export interface BuildInput {
  readonly env: ParsedEnv;
  readonly mode: Mode;
  readonly version: string;
  readonly secretsGenerated: boolean;
  readonly cwd: string;
}

interface Ctx {
  readonly env: ParsedEnv;
  readonly mode: Mode;
  readonly prod: boolean;
  readonly errors: EnvProblem[];
}

const GOOGLE_ISSUER = 'https://accounts.google.com';

export const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

function fail(ctx: Ctx, variable: VariableName | string, rule: string): void {
  ctx.errors.push({ variable, rule });
}

function required<K extends VariableName>(
  ctx: Ctx,
  name: K,
  rule: string,
): NonNullable<ParsedEnv[K]> | undefined {
  const v = ctx.env[name];
  if (v === undefined) fail(ctx, name, rule);
  return v ?? undefined;
}

function checkPublicUrl(ctx: Ctx, publicUrl: URL): void {
  const given = ctx.env.PUBLIC_URL !== undefined;
  if (ctx.prod && !given) {
    fail(ctx, 'PUBLIC_URL', 'required in production (https://gateway.example.com)');
  }
  if (ctx.prod && given && publicUrl.protocol !== 'https:') {
    fail(
      ctx,
      'PUBLIC_URL',
      'must use https:// in production: the external URL of the TLS front end (for local development on http:// set DEV_MODE=true)',
    );
  }
  const extra =
    publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash || publicUrl.username;
  if (given && extra) {
    fail(ctx, 'PUBLIC_URL', 'must be an origin without path, query, fragment or credentials');
  }
}

function checkBind(ctx: Ctx, bindAddress: string): void {
  if (ctx.mode === 'demo' && !isLoopback(bindAddress) && ctx.env.RGW_DEMO_ALLOW_REMOTE !== true) {
    fail(
      ctx,
      'BIND_ADDRESS',
      'demo mode binds to loopback only; set RGW_DEMO_ALLOW_REMOTE=true to expose the demo (anyone can sign in)',
    );
  }
}

function buildServer(ctx: Ctx): Config['server'] {
  const { env, mode, prod } = ctx;
  const port = env.PORT;
  const publicUrl = env.PUBLIC_URL ?? new URL(`http://localhost:${port}`);
  checkPublicUrl(ctx, publicUrl);
  const cookieSecure = env.COOKIE_SECURE ?? publicUrl.protocol === 'https:';
  if (prod && env.COOKIE_SECURE === false) {
    fail(ctx, 'COOKIE_SECURE', 'cannot be false in production');
  }
  const bindAddress = env.BIND_ADDRESS ?? (mode === 'demo' ? '127.0.0.1' : '0.0.0.0');
  checkBind(ctx, bindAddress);
  return {
    port,
    bindAddress,
    publicUrl,
    allowedHosts: env.ALLOWED_HOSTS.map((h) => h.toLowerCase()),
    trustedProxyCidrs: env.TRUSTED_PROXY_CIDRS,
    replicaId: env.REPLICA_ID ?? hostname(),
    apiBodyLimitBytes: env.API_BODY_LIMIT_KB * 1024,
    cookieSecure,
    strictCsp: prod || env.FORCE_CSP_IN_DEV === true || env.WEB_DEV_SERVER_URL === undefined,
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
  };
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}

function buildDatabase(ctx: Ctx, cwd: string): Config['database'] {
  const { env, mode, prod } = ctx;
  if (prod && env.DATABASE_URL === undefined && env.RGW_ALLOW_EMBEDDED_DB !== true) {
    fail(
      ctx,
      'DATABASE_URL',
      'required in production (or set RGW_ALLOW_EMBEDDED_DB=true for a single replica on embedded PGlite)',
    );
  }
  const dataDir =
    env.RGW_DATA_DIR ?? (mode === 'demo' ? './.rack-gateway/demo' : './.rack-gateway');
  const url = orNull(env.DATABASE_URL?.toString());
  return {
    url,
    migrationUrl: env.DATABASE_MIGRATION_URL?.toString() ?? url,
    poolMax: env.DATABASE_POOL_MAX,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    dataDir: resolve(cwd, dataDir),
    allowEmbedded: env.RGW_ALLOW_EMBEDDED_DB,
    autoMigrate: env.AUTO_MIGRATE,
  };
}

function parsePreviousKeys(ctx: Ctx, raw: string | undefined): HmacKey[] {
  if (raw === undefined) return [];
  const keys: HmacKey[] = [];
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf(':');
    const id = pair.slice(0, at);
    const secret = pair.slice(at + 1);
    if (at <= 0 || !/^[A-Za-z0-9._-]{1,32}$/.test(id) || secret.length < 32) {
      fail(
        ctx,
        'AUDIT_HMAC_PREVIOUS_KEYS',
        'must be a comma list of id:secret pairs with secrets of at least 32 bytes',
      );
      return [];
    }
    keys.push({ id, secret: decodeSecret(secret) });
  }
  return keys;
}

function buildSecrets(ctx: Ctx, generated: boolean): Config['secrets'] {
  const { env } = ctx;
  const app = required(
    ctx,
    'APP_SECRET_KEY',
    'required in production (at least 32 random bytes, e.g. openssl rand -hex 32)',
  );
  const audit = required(
    ctx,
    'AUDIT_HMAC_SECRET',
    'required in production (at least 32 random bytes, different from APP_SECRET_KEY)',
  );
  if (app !== undefined && audit !== undefined && app === audit) {
    fail(ctx, 'AUDIT_HMAC_SECRET', 'must differ from APP_SECRET_KEY');
  }
  const keyId = env.AUDIT_HMAC_KEY_ID;
  const previous = parsePreviousKeys(ctx, env.AUDIT_HMAC_PREVIOUS_KEYS);
  if (previous.some((k) => k.id === keyId)) {
    fail(ctx, 'AUDIT_HMAC_PREVIOUS_KEYS', `must not contain the current key id "${keyId}"`);
  }
  return {
    appSecretKey: decodeSecret(app ?? ''),
    appSecretKeyPrevious: env.APP_SECRET_KEY_PREVIOUS
      ? decodeSecret(env.APP_SECRET_KEY_PREVIOUS)
      : null,
    auditKey: { id: keyId, secret: decodeSecret(audit ?? '') },
    auditPreviousKeys: previous,
    generated,
  };
}

// The hints name every variable involved, so that fixing one problem never leads to another: an
// http:// issuer needs development mode and the opt-in together, and production allows neither.
const HTTP_ISSUER_RULE =
  'an http:// issuer is allowed only in development, with DEV_MODE=true and OIDC_ALLOW_INSECURE_HTTP=true';

function checkIssuerScheme(ctx: Ctx, issuer: URL, insecure: boolean): void {
  if (ctx.prod && insecure)
    fail(
      ctx,
      'OIDC_ALLOW_INSECURE_HTTP',
      `cannot be true in production: ${HTTP_ISSUER_RULE}. In production use the provider's https:// issuer (for a private CA set NODE_EXTRA_CA_CERTS, see docs/identity-providers.md)`,
    );
  if (issuer.protocol !== 'http:') return;
  if (ctx.prod) fail(ctx, 'OIDC_ISSUER', `must use https:// in production: ${HTTP_ISSUER_RULE}`);
  else if (!insecure)
    fail(
      ctx,
      'OIDC_ISSUER',
      'must use https://, or set OIDC_ALLOW_INSECURE_HTTP=true to allow this http:// issuer in development',
    );
}

function buildOidc(ctx: Ctx): Config['oidc'] {
  const { env, prod } = ctx;
  const issuer = env.OIDC_ISSUER ?? new URL(GOOGLE_ISSUER);
  const insecure = env.OIDC_ALLOW_INSECURE_HTTP;
  checkIssuerScheme(ctx, issuer, insecure);
  const google = issuer.href.replace(/\/$/, '') === GOOGLE_ISSUER;
  const hint = prod ? 'required' : 'required unless demo mode provides the mock IdP';
  return {
    issuer,
    clientId: required(ctx, 'OIDC_CLIENT_ID', hint) ?? '',
    clientSecret: required(ctx, 'OIDC_CLIENT_SECRET', hint) ?? '',
    profile: env.OIDC_PROFILE ?? (google ? 'google' : 'generic'),
    allowedDomains: env.OIDC_ALLOWED_DOMAINS.map((d) => d.toLowerCase()),
    requireEmailVerified: env.OIDC_REQUIRE_EMAIL_VERIFIED,
    scopes: env.OIDC_SCOPES,
    displayName: env.OIDC_DISPLAY_NAME ?? (google ? 'Google' : 'single sign-on'),
    allowInsecureHttp: insecure,
    discoveryTimeoutSeconds: env.OIDC_DISCOVERY_TIMEOUT_SECONDS,
  };
}

const INVALID_RACK = 'https://rack.invalid';

function fromRackUrl(ctx: Ctx, rackUrl: URL): RackConnection {
  const u = new URL(rackUrl.href);
  const token = decodeURIComponent(u.password || u.username);
  if (token === '') {
    fail(
      ctx,
      'RACK_URL',
      'must carry the rack API token as password (https://convox:<token>@host)',
    );
  }
  const user = u.password ? decodeURIComponent(u.username) : '';
  u.username = '';
  u.password = '';
  return { url: u, username: user || ctx.env.RACK_USERNAME, token };
}

function fromRackHost(ctx: Ctx, host: string, token: string): RackConnection {
  const withScheme = /^https?:\/\//.test(host) ? host : `https://${host}`;
  if (!URL.canParse(withScheme)) {
    fail(ctx, 'RACK_HOST', `must be a host name or URL (got "${host}")`);
    return { url: new URL(INVALID_RACK), username: ctx.env.RACK_USERNAME, token: '' };
  }
  return { url: new URL(withScheme), username: ctx.env.RACK_USERNAME, token };
}

function rackConnection(ctx: Ctx): RackConnection {
  const { env } = ctx;
  const hasHostForm = env.RACK_HOST !== undefined || env.RACK_TOKEN !== undefined;
  if (env.RACK_URL && hasHostForm) {
    fail(ctx, 'RACK_URL', 'set either RACK_URL or RACK_HOST + RACK_TOKEN, not both');
  }
  if (env.RACK_URL) return fromRackUrl(ctx, env.RACK_URL);
  if (env.RACK_HOST === undefined || env.RACK_TOKEN === undefined) {
    fail(
      ctx,
      env.RACK_HOST ? 'RACK_TOKEN' : 'RACK_URL',
      'the rack connection is required: set RACK_URL, or RACK_HOST and RACK_TOKEN',
    );
    return { url: new URL(INVALID_RACK), username: env.RACK_USERNAME, token: '' };
  }
  return fromRackHost(ctx, env.RACK_HOST, env.RACK_TOKEN);
}

function buildRack(ctx: Ctx): Config['rack'] {
  const { env, mode } = ctx;
  const name = env.RACK ?? (mode === 'demo' ? 'demo' : 'default');
  const alias = env.RACK_ALIAS ?? name;
  const pinning = env.RACK_TLS_PINNING;
  if (pinning === 'static' && env.RACK_TLS_PIN_SHA256 === undefined) {
    fail(ctx, 'RACK_TLS_PIN_SHA256', 'required when RACK_TLS_PINNING=static');
  }
  return {
    connection: rackConnection(ctx),
    name,
    alias,
    displayName: env.RACK_DISPLAY_NAME ?? alias,
    tlsVerify: env.RACK_TLS_VERIFY,
    caFile: orNull(env.RACK_CA_FILE),
    tlsPinning: pinning,
    tlsPinSha256: orNull(env.RACK_TLS_PIN_SHA256?.toLowerCase()),
    responseTimeoutSeconds: env.RACK_RESPONSE_TIMEOUT_SECONDS,
    streamIdleTimeoutSeconds: env.RACK_STREAM_IDLE_TIMEOUT_SECONDS,
    maxUploadBytes: env.RACK_PROXY_MAX_UPLOAD_BYTES,
    secretEnvVars: env.CONVOX_SECRET_ENV_VARS.map((k) => k.toUpperCase()),
  };
}

export { buildDatabase, buildOidc, buildRack, buildSecrets, buildServer, type Ctx, fail };
