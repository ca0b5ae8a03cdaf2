import { RackClient } from '@rack-gateway/convox';
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIALS, permissionDeniedMessage } from '../../src/access/decision.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInCli } from '../support/sign-in.js';

describe('rack proxy smoke', () => {
  let rack: MockRack;
  let h: IdentityHarness;
  beforeAll(async () => {
    rack = await startMockRack({ port: 0, password: 'rack-pass' });
    h = await startIdentityHarness({ env: { RACK_HOST: rack.url, RACK_TOKEN: 'rack-pass' } });
  });
  afterAll(async () => {
    await h?.close();
    await rack?.close();
  });

  it('a viewer lists apps through the gateway with the typed client', async () => {
    const token = await signInCli(h.url, 'viewer@example.com');
    const url = new URL(`${h.url}/api/v1/rack-proxy`);
    url.username = 'convox';
    url.password = token;
    const client = new RackClient({ url });
    const apps = await client.listApps();
    expect(apps.length).toBeGreaterThan(0);
    const seen = rack.requests.list().at(-1);
    expect(seen?.path).toBe('/apps');
    expect(seen?.headers['x-convox-actor']).toBe('viewer@example.com');
  });

  it('ops cannot promote (403 naming the permission); unknown paths are 404', async () => {
    const token = await signInCli(h.url, 'ops@example.com');
    const auth = `Basic ${Buffer.from(`convox:${token}`).toString('base64')}`;
    const res = await fetch(`${h.url}/api/v1/rack-proxy/apps/storefront/releases/RX/promote?`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'force=false',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-required-permission')).toBe('convox:release:promote');
    expect(res.headers.get('x-error-source')).toBe('gateway');
    expect(await res.text()).toBe(`${permissionDeniedMessage('convox:release:promote')}\n`);
    const cert = await fetch(`${h.url}/api/v1/rack-proxy/kubeconfig?`, {
      headers: { authorization: auth },
    });
    expect(cert.status).toBe(404);
    expect(await cert.text()).toBe(`${DENIALS.route_not_allowed.message}\n`);
  });

  it('exec through the gateway returns the remote exit code', async () => {
    const token = await signInCli(h.url, 'deployer@example.com');
    h.mfa.enrolled.add(await userId('deployer@example.com'));
    const url = new URL(`${h.url}/api/v1/rack-proxy`);
    url.username = 'convox';
    url.password = `${token}.totp.424242`;
    const client = new RackClient({ url });
    const [proc] = await client.listProcesses('storefront');
    let output = '';
    const session = await client.exec('storefront', proc?.id ?? '', 'exit 3', {
      tty: false,
      onOutput: (d: Buffer) => {
        output += d.toString();
      },
    });
    session.end();
    const result = await session.result;
    expect(result.exitCode).toBe(3);
    expect(output).toBe('');
  });

  async function userId(email: string): Promise<number> {
    const rows = await h.database.db.query<{ id: string }>(
      'SELECT id FROM users WHERE email = $1',
      [email],
    );
    return Number(rows[0]?.id);
  }
});
