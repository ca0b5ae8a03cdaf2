// The rack-gateway CLI against the real gateway in demo mode (cli.md §4, §11 checks 1–2): headless
// login completed through the mock IdP and the approval API, whoami, two racks switched, logout,
// and a 0600 config file.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliBrowser } from './support/cli-browser.ts';
import { runCli, startCli } from './support/cli-process.ts';
import { type GatewayProcess, startDemoGateway } from './support/gateway-process.ts';

let gateway: GatewayProcess;
let env: Record<string, string>;

beforeAll(async () => {
  gateway = await startDemoGateway();
  env = { RACK_GATEWAY_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'rgw-cli-e2e-')), 'config') };
});
afterAll(async () => {
  await gateway?.stop();
});

async function headlessLogin(rack: string, url: string, email: string) {
  const cli = startCli(['login', rack, url, '--no-browser'], env);
  const [, authUrl = ''] = await cli.waitForOutput(/Open this URL: (\S+)/);
  await cli.waitForOutput(/Confirmation code: [A-Z2-7]{4}-[A-Z2-7]{4}/);
  await new CliBrowser().approveCliLogin(authUrl, email);
  return cli.exit;
}

describe('rack-gateway CLI against demo mode', () => {
  it('logs in headless as deployer and stores a 0600 config', async () => {
    const res = await headlessLogin(
      'demo',
      `http://localhost:${gateway.port}`,
      'deployer@example.com',
    );
    expect(res.stderr).toContain('Sign in to demo in your browser.');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^✓ Logged in to demo as deployer@example\.com \(deployer\)\. Session valid until .+\.\n$/,
    );
    expect(statSync(join(env.RACK_GATEWAY_CONFIG_DIR ?? '', 'config.json')).mode & 0o777).toBe(
      0o600,
    );
    expect(statSync(env.RACK_GATEWAY_CONFIG_DIR ?? '').mode & 0o777).toBe(0o700);
  });

  it('whoami reads /info with the stored session', async () => {
    const res = await runCli(['whoami'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^User\s+Deployer User <deployer@example\.com>$/m);
    expect(res.stdout).toMatch(/^Credential\s+CLI session$/m);
  });

  it('two racks: a second login becomes current, switch goes back', async () => {
    const second = await headlessLogin(
      'second',
      `http://127.0.0.1:${gateway.port}`,
      'viewer@example.com',
    );
    expect(second.code).toBe(0);
    const racks = await runCli(['racks'], env);
    expect(racks.stdout).toMatch(/^\s+demo\s+http:\/\/localhost:\d+\s+deployer@example\.com\s/m);
    expect(racks.stdout).toMatch(
      /^\*\s+second\s+http:\/\/127\.0\.0\.1:\d+\s+viewer@example\.com\s/m,
    );
    expect((await runCli(['whoami'], env)).stdout).toContain('viewer@example.com');
    expect((await runCli(['switch', 'demo'], env)).stdout).toBe('✓ Switched to demo\n');
    expect((await runCli(['whoami'], env)).stdout).toContain('deployer@example.com');
    expect((await runCli(['whoami', '-r', 'second'], env)).stdout).toContain('viewer@example.com');
  });

  it('logout revokes the session at the gateway', async () => {
    const res = await runCli(['logout', 'second'], env);
    expect(res).toMatchObject({ code: 0, stdout: '✓ Logged out of second\n' });
    const after = await runCli(['whoami', '-r', 'second'], env);
    expect(after.code).toBe(3);
    expect(after.stderr).toBe('Error: Not logged in to second. Run: rack-gateway login second\n');
  });
});
