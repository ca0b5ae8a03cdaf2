// Demo mode as `npm start` runs it: gateway + mock IdP + mock rack on embedded PGlite.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
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

  it('answers health with the embedded database and the mock IdP discovered', async () => {
    // Discovery runs in the background from start-up, so `idp` may still say `discovering` on the
    // first 200; the local mock IdP answers within moments.
    await expect
      .poll(async () => (await gateway.health()).body, { timeout: 15_000 })
      .toEqual({ status: 'ok', service: 'rack-gateway', database: 'ok', audit: 'ok', idp: 'ok' });
    expect((await gateway.health()).status).toBe(200);
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

  it('issue 11 finding 5: the banner prints the mock rack URL with its password', async () => {
    const url = new RegExp(`http://convox:([0-9a-f]{48})@127\\.0\\.0\\.1:${rackPort}`);
    const password = url.exec(gateway.output())?.[1];
    expect(password).toBeDefined();
    const auth = Buffer.from(`convox:${password}`).toString('base64');
    const res = await fetch(`http://127.0.0.1:${rackPort}/apps`, {
      headers: { Authorization: `Basic ${auth}`, Accept: 'application/json' },
    });
    expect(res.status).toBe(200);
  });

  it('issue 11 finding 5: the demo rack writes traffic logs that logs -f shows', async () => {
    const password = /http:\/\/convox:([0-9a-f]+)@/.exec(gateway.output())?.[1] ?? '';
    const socket = new WebSocket(`ws://127.0.0.1:${rackPort}/apps/storefront/logs`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`convox:${password}`).toString('base64')}`,
        Follow: 'true',
        Prefix: 'true',
        Since: '1s',
      },
    });
    const line = await new Promise<string>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (text.includes('kube-probe')) resolve(text);
      });
      socket.on('error', reject);
    }).finally(() => socket.close());
    expect(line).toMatch(/service\/web\/\S+ .*"GET \/health HTTP\/1\.1" 200/);
  });

  it('issue 11 finding 4: audit verify --demo asks to stop the running demo first', () => {
    const res = verifyDemo(gateway.cwd);
    expect(res.status).toBe(3);
    expect(res.stderr).toContain('stop the demo, npm start, first');
  });

  it('exits cleanly on Ctrl-C and releases the mock ports', async () => {
    expect(await gateway.stop('SIGINT')).toBe(0);
    await expect(fetch(`http://127.0.0.1:${rackPort}/health`)).rejects.toThrow();
  });

  it("issue 11 finding 4: rack-gateway-server audit verify --demo verifies the demo's chain", () => {
    const res = verifyDemo(gateway.cwd);
    expect(res.stderr).not.toContain('inconclusive');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/intact/i);
  });
});

/** The package's bin as a fresh clone has it after `npm install`: no build, sources through tsx. */
function verifyDemo(cwd: string) {
  const bin = join(
    import.meta.dirname,
    '..',
    'packages',
    'server',
    'bin',
    'rack-gateway-server.js',
  );
  return spawnSync(process.execPath, [bin, 'audit', 'verify', '--demo', '--no-anchors'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}
