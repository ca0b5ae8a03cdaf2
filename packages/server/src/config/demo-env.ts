// Demo mode (`serve --demo`, what `npm start` runs) fills in a complete local setup: the mock IdP,
// the mock rack, demo users and log-only e-mail. Any variable set explicitly wins.
import { randomBytes } from 'node:crypto';
import { type RawEnv, readRaw } from './parse-env.js';

export const DEMO_OIDC_CLIENT_ID = 'rack-gateway-demo';
export const DEMO_USERS = [
  { email: 'admin@example.com', name: 'Admin User', role: 'admin' },
  { email: 'deployer@example.com', name: 'Deployer User', role: 'deployer' },
  { email: 'ops@example.com', name: 'Ops User', role: 'ops' },
  { email: 'viewer@example.com', name: 'Viewer User', role: 'viewer' },
] as const;

export interface DemoPlan {
  readonly env: RawEnv;
  /** Set when demo mode must start the in-process mock IdP (no explicit OIDC_ISSUER). */
  readonly mockIdp: { port: number; clientId: string; clientSecret: string } | null;
  /** Set when demo mode must start the in-process mock rack (no explicit rack connection). */
  readonly mockRack: { port: number; password: string } | null;
}

export function planDemo(raw: RawEnv): DemoPlan {
  const idpPort = Number(readRaw(raw, 'MOCK_IDP_PORT') ?? 3345);
  const rackPort = Number(readRaw(raw, 'MOCK_RACK_PORT') ?? 5443);
  const defaults: Record<string, string> = {
    DEV_MODE: 'true',
    RACK: 'demo',
    OIDC_ALLOWED_DOMAINS: 'example.com',
    OIDC_DISPLAY_NAME: 'demo login',
    EMAIL_LOG_ONLY: 'true',
    ADMIN_USERS: 'admin@example.com',
    DEPLOYER_USERS: 'deployer@example.com',
    OPERATIONS_USERS: 'ops@example.com',
    VIEWER_USERS: 'viewer@example.com',
  };
  let mockIdp: DemoPlan['mockIdp'] = null;
  if (readRaw(raw, 'OIDC_ISSUER') === undefined) {
    mockIdp = {
      port: idpPort,
      clientId: DEMO_OIDC_CLIENT_ID,
      clientSecret: randomBytes(24).toString('hex'),
    };
    Object.assign(defaults, {
      OIDC_ISSUER: `http://localhost:${idpPort}`,
      OIDC_CLIENT_ID: mockIdp.clientId,
      OIDC_CLIENT_SECRET: mockIdp.clientSecret,
      OIDC_ALLOW_INSECURE_HTTP: 'true',
    });
  }
  let mockRack: DemoPlan['mockRack'] = null;
  const rackGiven = ['RACK_URL', 'RACK_HOST', 'RACK_TOKEN'].some(
    (n) => readRaw(raw, n) !== undefined,
  );
  if (!rackGiven) {
    mockRack = { port: rackPort, password: randomBytes(24).toString('hex') };
    Object.assign(defaults, {
      RACK_HOST: `http://127.0.0.1:${rackPort}`,
      RACK_TOKEN: mockRack.password,
    });
  }
  const env: Record<string, string | undefined> = { ...raw };
  for (const [name, value] of Object.entries(defaults)) {
    if (readRaw(raw, name) === undefined) env[name] = value;
  }
  return { env, mockIdp, mockRack };
}
