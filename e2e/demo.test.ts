// Demo mode as `npm start` runs it: gateway + mock IdP + mock rack on embedded PGlite.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort } from './support/ports.ts';

describe('demo mode (serve --demo)', () => {
  let gateway: GatewayProcess;
  let idpPort: number;
  let rackPort: number;

  beforeAll(async () => {
    idpPort = await freePort();
    rackPort = await freePort();
    gateway = await startGateway({
      args: ['serve', '--demo'],
      env: { MOCK_IDP_PORT: String(idpPort), MOCK_RACK_PORT: String(rackPort), LOG_FORMAT: 'json' },
    });
    await gateway.waitHealthy(60_000);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers health with the embedded database', async () => {
    expect(await gateway.health()).toEqual({
      status: 200,
      body: { status: 'ok', service: 'rack-gateway', database: 'ok', audit: 'ok' },
    });
  });

  it('prints the URL and the four demo users', () => {
    const out = gateway.output();
    expect(out).toContain(`http://localhost:${gateway.port}/app/`);
    for (const u of [
      'admin@example.com',
      'deployer@example.com',
      'ops@example.com',
      'viewer@example.com',
    ]) {
      expect(out).toContain(u);
    }
    expect(out).toContain('Never use it in production');
  });

  it('serves /app/ with a nonce CSP and no unsafe-inline', async () => {
    const res = await fetch(`${gateway.url}/app/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('runs the mock IdP and the mock rack next to the gateway', async () => {
    expect((await fetch(`http://127.0.0.1:${idpPort}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${rackPort}/health`)).status).toBe(200);
  });

  it('keeps its generated secrets in the demo data directory', () => {
    expect(existsSync(join(gateway.cwd, '.rack-gateway', 'demo', 'secrets.json'))).toBe(true);
  });

  it('exits cleanly on Ctrl-C and releases the mock ports', async () => {
    expect(await gateway.stop('SIGINT')).toBe(0);
    await expect(fetch(`http://127.0.0.1:${rackPort}/health`)).rejects.toThrow();
  });
});
