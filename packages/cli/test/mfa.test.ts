// cli.md §5: a 401 with X-MFA-Required is an MFA prompt: code from --mfa-code/RACK_GATEWAY_MFA_CODE
// once, else a hidden prompt (no terminal → exit 6); the request is retried once with X-MFA-TOTP.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEPLOYER } from './support/fake-gateway.js';
import { type Stack, startStack, stopStack, tempDir, writeConfig } from './support/fixtures.js';
import { runCli, startCli, until } from './support/run-cli.js';

let stack: Stack;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  stack.rack.reset();
  stack.gw.mfa.length = 0;
  stack.gw.requests.length = 0;
  stack.gw.usedCodes.clear();
  stack.gw.mfaEnrolled = true;
  const dir = tempDir();
  const token = stack.gw.issue(DEPLOYER, 'session', 86_400_000 * 60, false);
  writeConfig(dir, {
    version: 1,
    current: 'demo',
    racks: { demo: { url: stack.gw.url, token, roles: ['deployer'] } },
  });
  env = {
    RACK_GATEWAY_CONFIG_DIR: dir,
    RACK_GATEWAY_APP: 'storefront',
    RACK_GATEWAY_NO_EXPIRY_WARNING: '1',
  };
});

const sent = (path: string) =>
  stack.gw.requests.filter((r) => r.path === `/api/v1/rack-proxy${path}`);
const STEP_UP =
  'Error: MFA (step-up) required. Re-run with --mfa-code <code> or run rack-gateway mfa first.\n';

describe('step-up', () => {
  beforeEach(() => {
    stack.gw.mfa.push({ method: 'GET', path: /^\/apps$/, level: 'step-up' });
  });

  it('without a terminal and without a code exits 6', async () => {
    const res = await runCli(['apps'], { env });
    expect(res.code).toBe(6);
    expect(res.stderr).toBe(STEP_UP);
  });

  it('retries once with X-MFA-TOTP from --mfa-code', async () => {
    const res = await runCli(['apps', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('storefront');
    const calls = sent('/apps');
    expect(calls.map((c) => c.headers['x-mfa-totp'])).toEqual([undefined, '123456']);
  });

  it('takes the code from RACK_GATEWAY_MFA_CODE', async () => {
    const res = await runCli(['apps'], { env: { ...env, RACK_GATEWAY_MFA_CODE: '654321' } });
    expect(res.code).toBe(0);
  });

  it('prompts with a hidden input on a terminal and restores the terminal mode', async () => {
    const run = startCli(['apps'], { env, stdinTTY: true, stdin: '123456\r' });
    const res = await run.result;
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('Authentication code (or backup code): \n');
    expect(run.rawModes).toEqual([true, false]);
  });

  it('re-prompts after an invalid code with the lockout warning', async () => {
    const input = new PassThrough();
    const run = startCli(['apps'], { env, stdinTTY: true, stdin: input });
    await until(() => run.stderr().includes('Authentication code'), 'the prompt');
    input.write('000000\r');
    await until(() => run.stderr().includes('Invalid code'), 'the warning');
    input.write('111111\r');
    const res = await run.result;
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(
      'Warning: Invalid code. 5 failed attempts within 5 minutes lock your account.',
    );
  });

  it('an invalid --mfa-code without a terminal exits 6', async () => {
    const res = await runCli(['apps', '--mfa-code', '999999'], { env });
    expect(res.code).toBe(6);
    expect(res.stderr).toBe('Error: Invalid code\n');
  });

  it('finding 9: a code already used prints the gateway\'s "already used" line, not "Invalid code"', async () => {
    stack.gw.mfa.length = 0;
    stack.gw.mfa.push({ method: 'GET', path: /^\/apps$/, level: 'always' });
    expect((await runCli(['apps', '--mfa-code', '123456'], { env })).code).toBe(0);
    const res = await runCli(['apps', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(6);
    expect(res.stderr).toBe('Error: this code was already used; get a fresh one\n');
  });

  it('one verification serves the following requests of the command (the window is refreshed)', async () => {
    stack.gw.mfa.push({ method: 'GET', path: /^\/apps\/storefront/, level: 'step-up' });
    const res = await runCli(['releases', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(0);
    const withCode = stack.gw.requests.filter((r) => r.headers['x-mfa-totp'] !== undefined);
    expect(withCode).toHaveLength(1);
  });

  it('applies to WebSocket handshakes too', async () => {
    stack.gw.mfa.push({ method: 'SOCKET', path: /\/logs$/, level: 'step-up' });
    expect((await runCli(['logs', '--since', '1d'], { env })).code).toBe(6);
    const res = await runCli(['logs', '--since', '1d', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('service/web/');
  });

  it('API tokens are not asked for step-up', async () => {
    const token = stack.gw.issue(DEPLOYER, 'api_token');
    const res = await runCli(['apps'], {
      env: { ...env, RACK_GATEWAY_URL: stack.gw.url, RACK_GATEWAY_API_TOKEN: token },
    });
    expect(res.code).toBe(0);
  });
});

describe('always, enrolment, up-front step-up', () => {
  it('an always route needs a code on that very request', async () => {
    stack.gw.mfa.push({ method: 'DELETE', path: /^\/apps\/billing-api$/, level: 'always' });
    const refused = await runCli(['apps', 'delete', 'billing-api', '--yes'], { env });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('MFA (always) required');
    const res = await runCli(['apps', 'delete', 'billing-api', '--yes', '--mfa-code', '123456'], {
      env,
    });
    expect(res.code).toBe(0);
  });

  it('a missing enrolment exits 6 with the security page', async () => {
    stack.gw.mfaEnrolled = false;
    stack.gw.mfa.push({ method: 'GET', path: /^\/apps$/, level: 'step-up' });
    const res = await runCli(['apps'], { env });
    expect(res.code).toBe(6);
    expect(res.stderr).toBe(
      `Error: Set up multi-factor authentication at ${stack.gw.url}/app/account/security\n`,
    );
  });

  it('run verifies before starting a process when the step-up window is stale', async () => {
    const res = await runCli(['run', 'web', 'exit 0', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(0);
    const verify = stack.gw.requests.findIndex((r) => r.path === '/api/v1/auth/mfa/verify');
    const create = stack.gw.requests.findIndex(
      (r) => r.method === 'POST' && r.path.endsWith('/services/web/processes'),
    );
    expect(verify).toBeGreaterThanOrEqual(0);
    expect(verify).toBeLessThan(create);
  });

  it('mfa performs a step-up now', async () => {
    const res = await runCli(['mfa', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^✓ Step-up verified; valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\n$/);
    const token = stack.gw.issue(DEPLOYER, 'api_token');
    const api = await runCli(['mfa'], {
      env: { ...env, RACK_GATEWAY_URL: stack.gw.url, RACK_GATEWAY_API_TOKEN: token },
    });
    expect(api.code).toBe(2);
    expect(api.stderr).toBe('Error: API tokens do not use step-up\n');
  });

  it('finding 9: rack-url --help says how long the --inline-mfa value is good for', async () => {
    const res = await runCli(['rack-url', '--help'], { env });
    expect(res.code).toBe(0);
    const help = res.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--inline-mfa: how long the value is good for');
    expect(help).toContain('A TOTP code is accepted for about a minute');
    expect(help).toContain('step-up window (10 minutes by default)');
    expect(help).toContain(
      'the gateway answers "this code was already used; get a fresh one" (not a failed attempt)',
    );
  });

  it('rack-url --inline-mfa appends the .totp. suffix', async () => {
    const res = await runCli(['rack-url', '--inline-mfa', '--mfa-code', '123456'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^http:\/\/convox:[A-Za-z0-9_-]{43}\.totp\.123456@127\.0\.0\.1:\d+\/api\/v1\/rack-proxy\n$/,
    );
  });
});
