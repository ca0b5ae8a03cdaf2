// Demo mode's in-process companions: the mock IdP and the mock rack, plus the start-up banner. The
// mocks are loaded only when demo mode starts them, so no other command pays for (or warns about)
// oidc-provider, and a production install runs without the mock packages.
import type { MockIdp } from '@rack-gateway/mock-idp';
import type { MockRack } from '@rack-gateway/mock-rack';
import { DEMO_USERS, type DemoPlan } from '../config/demo-env.js';
import type { Config } from '../config/types.js';

export interface DemoServices {
  close(): Promise<void>;
}

export async function startDemoServices(plan: DemoPlan, config: Config): Promise<DemoServices> {
  const started: (MockIdp | MockRack)[] = [];
  try {
    if (plan.mockIdp) {
      const { startMockIdp } = await import('@rack-gateway/mock-idp');
      const base = config.server.publicUrl.origin;
      started.push(
        await startMockIdp({
          port: plan.mockIdp.port,
          clients: [
            {
              clientId: plan.mockIdp.clientId,
              clientSecret: plan.mockIdp.clientSecret,
              redirectUris: [
                `${base}/api/v1/auth/web/callback`,
                `${base}/api/v1/auth/cli/callback`,
              ],
            },
          ],
        }),
      );
    }
    if (plan.mockRack) {
      const { startMockRack } = await import('@rack-gateway/mock-rack');
      started.push(
        // Traffic logs on: the demo's `logs` and `logs -f` show live request lines, as a rack would.
        await startMockRack({
          port: plan.mockRack.port,
          password: plan.mockRack.password,
          trafficLogs: true,
        }),
      );
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw new Error(`demo mode could not start its mock services: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { close: async () => void (await Promise.all(started.map((s) => s.close()))) };
}

/** The mock rack's URL with its demo password, so a user can point convox at the rack directly. */
function mockRackUrl(config: Config, password: string): string {
  const url = new URL(config.rack.connection.url.origin);
  url.username = 'convox';
  url.password = password;
  return url.href.replace(/\/$/, '');
}

export function demoBanner(config: Config, plan: DemoPlan): string {
  const url = config.server.publicUrl.origin;
  const lines = [
    '',
    '  rack-gateway demo is running',
    '',
    `  Gateway:   ${url}/app/`,
    `  Health:    ${url}/api/v1/health`,
    plan.mockIdp
      ? `  Mock IdP:  ${config.oidc.issuer.origin}`
      : `  IdP:       ${config.oidc.issuer.origin}`,
    plan.mockRack
      ? `  Mock rack: ${mockRackUrl(config, plan.mockRack.password)}`
      : `  Rack:      ${config.rack.connection.url.origin}`,
    `  Data dir:  ${config.database.url ? '(PostgreSQL from DATABASE_URL)' : config.database.dataDir}`,
    '',
    '  Demo users (pick one on the mock IdP sign-in page):',
    ...DEMO_USERS.map((u) => `    ${u.email.padEnd(24)} ${u.role}`),
    '',
    '  WARNING: demo mode lets anyone on this machine sign in. Never use it in production.',
    '  Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}
