// The environment of a benchmarked gateway: a production configuration (own secrets, OIDC against
// the run's mock IdP, a seeded admin, the mock rack) with DEV_MODE=true only so that plain http on
// 127.0.0.1 is allowed. Rate limits are raised because all load comes from one client address.
export type GatewayVariant = 'pglite' | 'postgres';

export const BENCH_ADMIN = 'bench-admin@example.com';
export const IDP_CLIENT_ID = 'rgw-bench';
export const IDP_CLIENT_SECRET = 'rgw-bench-client-secret';

export interface GatewaySpec {
  readonly variant: GatewayVariant;
  /** The gateway's own directory (log file, data directory). */
  readonly dir: string;
  readonly port: number;
  readonly rackUrl: string;
  readonly rackPassword: string;
  readonly issuer: string;
  /** PostgreSQL variant only. */
  readonly databaseUrl: string | null;
  /** Seeded as viewers (the login scenario signs them in). */
  readonly loginUsers: readonly string[];
}

export const dataDirOf = (spec: Pick<GatewaySpec, 'dir'>): string => `${spec.dir}/data`;

export function gatewayEnv(spec: GatewaySpec): Record<string, string> {
  return {
    DEV_MODE: 'true',
    PORT: String(spec.port),
    PUBLIC_URL: `http://127.0.0.1:${spec.port}`,
    RGW_DATA_DIR: dataDirOf(spec),
    APP_SECRET_KEY: 'a1'.repeat(32),
    AUDIT_HMAC_SECRET: 'b2'.repeat(32),
    OIDC_ISSUER: spec.issuer,
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    OIDC_CLIENT_ID: IDP_CLIENT_ID,
    OIDC_CLIENT_SECRET: IDP_CLIENT_SECRET,
    OIDC_ALLOWED_DOMAINS: 'example.com',
    ADMIN_USERS: BENCH_ADMIN,
    ...(spec.loginUsers.length > 0 ? { VIEWER_USERS: spec.loginUsers.join(',') } : {}),
    RACK_HOST: spec.rackUrl,
    RACK_TOKEN: spec.rackPassword,
    RATE_LIMIT_RPS: '100000',
    RATE_LIMIT_BURST: '100000',
    LOG_FORMAT: 'json',
    ...(spec.databaseUrl === null ? {} : { DATABASE_URL: spec.databaseUrl }),
  };
}
