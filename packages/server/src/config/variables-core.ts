// Environment variables of the server core (config.md §3.1-3.6): listen address, database,
// secrets, identity provider, seed users and the rack connection.
import { bool, int, list, oneOf, secret, str, url } from './var-spec.js';

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const CIDR = /^[0-9a-fA-F:.]+\/\d{1,3}$/;
const srv = 'Server and public URL';
const db = 'Database';
const sec = 'Secrets';
const idp = 'Identity provider (OIDC)';
const seed = 'Seed users';
const rack = 'Rack connection';

export const CORE_VARIABLES = {
  DEV_MODE: bool({
    fallback: false,
    group: srv,
    doc: 'development mode (generated secrets, http://localhost allowed)',
  }),
  PORT: int({
    fallback: 8447,
    group: srv,
    min: 1,
    max: 65535,
    defaultText: '8447',
    doc: 'HTTP listen port',
  }),
  BIND_ADDRESS: str({
    group: srv,
    defaultText: '0.0.0.0 (127.0.0.1 in demo)',
    doc: 'listen address',
  }),
  PUBLIC_URL: url({
    group: srv,
    protocols: ['http', 'https'],
    defaultText: 'required in production; else http://localhost:<PORT>',
    doc: 'external origin (no path); the only accepted Host/Origin',
  }),
  ALLOWED_HOSTS: list({ fallback: [], group: srv, doc: 'extra accepted Host names (comma list)' }),
  TRUSTED_PROXY_CIDRS: list({
    fallback: [],
    group: srv,
    item: CIDR,
    rule: 'must be a comma list of CIDRs such as 10.0.0.0/8',
    doc: 'comma CIDRs whose X-Forwarded-For/-Proto are trusted',
  }),
  REPLICA_ID: str({
    group: srv,
    defaultText: 'host name',
    maxLength: 64,
    doc: 'replica identifier',
  }),
  API_BODY_LIMIT_KB: int({
    fallback: 1024,
    group: srv,
    min: 1,
    max: 102400,
    defaultText: '1024',
    doc: 'maximum JSON body on API routes',
  }),
  COOKIE_SECURE: bool({
    group: srv,
    defaultText: 'true unless PUBLIC_URL is http:',
    doc: "cookies' Secure flag",
  }),
  FORCE_CSP_IN_DEV: bool({
    fallback: false,
    group: srv,
    doc: 'apply the production CSP in development and demo',
  }),
  SHUTDOWN_GRACE_SECONDS: int({
    fallback: 30,
    group: srv,
    min: 0,
    max: 600,
    defaultText: '30',
    doc: 'drain time on SIGTERM/SIGINT',
  }),

  DATABASE_URL: url({
    group: db,
    protocols: ['postgres', 'postgresql'],
    secretUserinfo: true,
    doc: 'PostgreSQL >= 15; absent = embedded PGlite',
  }),
  DATABASE_MIGRATION_URL: url({
    group: db,
    protocols: ['postgres', 'postgresql'],
    secretUserinfo: true,
    defaultText: 'DATABASE_URL',
    doc: 'credentials used by migrate',
  }),
  DATABASE_POOL_MAX: int({
    fallback: 10,
    group: db,
    min: 1,
    max: 200,
    defaultText: '10',
    doc: 'connections per replica',
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: int({
    fallback: 15000,
    group: db,
    min: 100,
    max: 3_600_000,
    defaultText: '15000',
    doc: 'per-statement timeout',
  }),
  RGW_DATA_DIR: str({
    group: db,
    defaultText: './.rack-gateway (./.rack-gateway/demo in demo)',
    doc: 'PGlite files and generated secrets',
  }),
  RGW_ALLOW_EMBEDDED_DB: bool({
    fallback: false,
    group: db,
    doc: 'allow PGlite in production (single replica only)',
  }),
  AUTO_MIGRATE: bool({
    fallback: true,
    group: db,
    defaultText: 'true',
    doc: 'serve applies pending migrations at start',
  }),

  APP_SECRET_KEY: secret({
    group: sec,
    minBytes: 32,
    defaultText: 'required in production; generated outside',
    doc: 'root key for CSRF, backup codes, encryption',
  }),
  APP_SECRET_KEY_PREVIOUS: secret({ group: sec, minBytes: 32, doc: 'old key during a rotation' }),
  AUDIT_HMAC_SECRET: secret({
    group: sec,
    minBytes: 32,
    defaultText: 'same as APP_SECRET_KEY',
    doc: 'audit chain HMAC key; must differ from APP_SECRET_KEY',
  }),
  AUDIT_HMAC_KEY_ID: str({
    fallback: 'k1',
    group: sec,
    pattern: KEY_ID,
    rule: 'must match [A-Za-z0-9._-]{1,32}',
    defaultText: 'k1',
    doc: 'id stored with each event',
  }),
  AUDIT_HMAC_PREVIOUS_KEYS: secret({
    group: sec,
    doc: 'id:secret pairs (comma list) for verifying older events',
  }),

  OIDC_ISSUER: url({
    group: idp,
    protocols: ['http', 'https'],
    defaultText: 'https://accounts.google.com',
    doc: 'OIDC issuer',
  }),
  OIDC_CLIENT_ID: str({ group: idp, defaultText: 'required', doc: 'confidential client id' }),
  OIDC_CLIENT_SECRET: secret({
    group: idp,
    defaultText: 'required',
    doc: 'confidential client secret',
  }),
  OIDC_PROFILE: oneOf({
    group: idp,
    values: ['google', 'generic'],
    defaultText: 'google for Google, else generic',
    doc: 'claim checks',
  }),
  OIDC_ALLOWED_DOMAINS: list({
    fallback: [],
    group: idp,
    defaultText: 'empty = any domain',
    doc: 'allowed e-mail domains',
  }),
  OIDC_REQUIRE_EMAIL_VERIFIED: bool({
    fallback: true,
    group: idp,
    defaultText: 'true',
    doc: 'generic profile only',
  }),
  OIDC_SCOPES: str({
    fallback: 'openid email profile',
    group: idp,
    defaultText: 'openid email profile',
    doc: 'requested scopes',
  }),
  OIDC_DISPLAY_NAME: str({
    group: idp,
    defaultText: 'Google / single sign-on',
    doc: 'login button label',
  }),
  OIDC_ALLOW_INSECURE_HTTP: bool({
    fallback: false,
    group: idp,
    doc: 'permit an http:// issuer; development only (with DEV_MODE=true), refused in production',
  }),
  OIDC_DISCOVERY_TIMEOUT_SECONDS: int({
    fallback: 20,
    group: idp,
    min: 1,
    max: 600,
    defaultText: '20',
    doc: 'discovery retries in the background until the issuer answers; after this many seconds `/api/v1/health` reports `idp: unavailable`. Start-up does not wait: API tokens are served meanwhile, interactive logins refused',
  }),

  ADMIN_USERS: list({
    fallback: [],
    group: seed,
    doc: 'e-mails seeded as admin (break-glass: admin is re-added)',
  }),
  DEPLOYER_USERS: list({ fallback: [], group: seed, doc: 'e-mails seeded as deployer' }),
  OPERATIONS_USERS: list({ fallback: [], group: seed, doc: 'e-mails seeded as ops' }),
  VIEWER_USERS: list({ fallback: [], group: seed, doc: 'e-mails seeded as viewer' }),

  RACK_URL: url({
    group: rack,
    protocols: ['http', 'https'],
    secretUserinfo: true,
    doc: 'https://[user:]<token>@host[:port]',
  }),
  RACK_HOST: str({ group: rack, doc: 'rack host (alternative to RACK_URL)' }),
  RACK_TOKEN: secret({ group: rack, doc: 'rack API token (with RACK_HOST)' }),
  RACK_USERNAME: str({
    fallback: 'convox',
    group: rack,
    defaultText: 'convox',
    doc: 'Basic-auth user for the rack',
  }),
  RACK: str({
    group: rack,
    pattern: /^[A-Za-z0-9._-]{1,64}$/,
    rule: 'must be 1-64 characters of [A-Za-z0-9._-]',
    defaultText: 'default (demo in demo)',
    doc: 'rack name',
  }),
  RACK_ALIAS: str({ group: rack, defaultText: 'RACK', maxLength: 64, doc: 'short rack name' }),
  RACK_DISPLAY_NAME: str({
    group: rack,
    defaultText: 'RACK_ALIAS',
    maxLength: 120,
    doc: 'name in the UI, e-mail and Slack',
  }),
  RACK_TLS_VERIFY: bool({ fallback: false, group: rack, doc: 'verify the rack certificate' }),
  RACK_CA_FILE: str({ group: rack, doc: 'PEM bundle for RACK_TLS_VERIFY' }),
  RACK_TLS_PINNING: oneOf({
    fallback: 'off',
    group: rack,
    values: ['off', 'static', 'tofu'],
    defaultText: 'off',
    doc: 'certificate pinning',
  }),
  RACK_TLS_PIN_SHA256: str({
    group: rack,
    pattern: /^[0-9a-fA-F]{64}$/,
    rule: 'must be 64 hex characters',
    doc: 'SHA-256 of the rack leaf certificate',
  }),
  RACK_RESPONSE_TIMEOUT_SECONDS: int({
    fallback: 120,
    group: rack,
    min: 1,
    max: 3600,
    defaultText: '120',
    doc: 'time allowed for response headers',
  }),
  RACK_STREAM_IDLE_TIMEOUT_SECONDS: int({
    fallback: 600,
    group: rack,
    min: 1,
    max: 86400,
    defaultText: '600',
    doc: 'idle limit for streamed bodies',
  }),
  RACK_PROXY_MAX_UPLOAD_BYTES: int({
    fallback: 1073741824,
    group: rack,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    defaultText: '1073741824',
    doc: 'largest object upload',
  }),
  CONVOX_SECRET_ENV_VARS: list({
    fallback: [],
    group: rack,
    doc: 'extra env names always treated as secret',
  }),
} as const;
