// cli.md §4.1 / identity.md §4: the CLI login against a gateway implementing the endpoints exactly.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { confirmationCode } from '../src/login/pkce.js';
import { readConfig, type Stack, startStack, stopStack, tempDir } from './support/fixtures.js';
import { runCli, startCli, until } from './support/run-cli.js';

let stack: Stack;
let dir: string;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  dir = tempDir();
  stack.gw.login.approve = true;
  stack.gw.login.failure = undefined;
  stack.gw.login.tamperChallenge = false;
});

const desktop = () => ({ RACK_GATEWAY_CONFIG_DIR: dir, DISPLAY: ':0' });
const browser = (opened: string[]) => async (url: string) => {
  opened.push(url);
  await stack.gw.browse(url);
  return true;
};
const startBodies = () => stack.gw.requests.filter((r) => r.path === '/api/v1/auth/cli/start');

describe('loopback login', () => {
  it('opens the browser, receives the code on 127.0.0.1 and stores a 0600 config', async () => {
    const opened: string[] = [];
    const res = await runCli(['login', 'demo', stack.gw.url], {
      env: desktop(),
      openUrl: browser(opened),
    });
    expect(res.stderr).toContain('Sign in to demo in your browser.');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^✓ Logged in to demo as deployer@example\.com \(deployer\)\. Session valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n$/,
    );
    expect(opened).toHaveLength(1);
    const state = new URL(opened[0] ?? '').searchParams.get('state') ?? '';
    expect(res.stderr).toContain(`Confirmation code: ${confirmationCode(state)}`);
    const config = readConfig(dir);
    expect(config.current).toBe('demo');
    expect(config.racks.demo).toMatchObject({
      url: stack.gw.url,
      email: 'deployer@example.com',
      roles: ['deployer'],
    });
    expect(String(config.racks.demo?.token)).toHaveLength(43);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(stack.gw.credentials.has(String(config.racks.demo?.token))).toBe(true);
  });

  it('sends a loopback redirect_uri on 127.0.0.1 and a PKCE S256 challenge', async () => {
    const before = startBodies().length;
    await runCli(['login', 'demo', stack.gw.url], { env: desktop(), openUrl: browser([]) });
    expect(startBodies().length).toBe(before + 1);
    const complete = stack.gw.requests.filter((r) => r.path === '/api/v1/auth/cli/complete');
    expect(complete.length).toBeGreaterThan(0);
  });

  it('prints the URL when no browser can be started and still completes', async () => {
    const run = startCli(['login', 'demo', stack.gw.url], {
      env: desktop(),
      openUrl: async () => false,
    });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    const url = /Open this URL: (\S+)/.exec(run.stderr())?.[1] ?? '';
    await stack.gw.browse(url);
    expect((await run.result).code).toBe(0);
  });

  it('fails with exit 3 when the login is denied in the browser', async () => {
    stack.gw.login.approve = false;
    const res = await runCli(['login', 'demo', stack.gw.url], {
      env: desktop(),
      openUrl: browser([]),
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('Error: The login was denied in the browser');
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('fails with exit 3 when the gateway refuses the verifier (tampered PKCE)', async () => {
    stack.gw.login.tamperChallenge = true;
    const res = await runCli(['login', 'demo', stack.gw.url], {
      env: desktop(),
      openUrl: browser([]),
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('PKCE mismatch');
  });
});

describe('poll login (--no-browser)', () => {
  it('prints the URL and the confirmation code, gets 202 while pending, then 200', async () => {
    const run = startCli(['login', 'demo', stack.gw.url, '--no-browser'], { env: desktop() });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    const completes = () =>
      stack.gw.requests.filter((r) => r.path === '/api/v1/auth/cli/complete').length;
    const before = completes();
    await until(() => completes() > before, 'a pending poll');
    const url = /Open this URL: (\S+)/.exec(run.stderr())?.[1] ?? '';
    const state = new URL(url).searchParams.get('state') ?? '';
    expect(run.stderr()).toContain(`Confirmation code: ${confirmationCode(state)}`);
    await stack.gw.browse(url);
    const res = await run.result;
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('✓ Logged in to demo as deployer@example.com');
  });

  it('uses poll mode over SSH even without --no-browser', async () => {
    const run = startCli(['login', 'demo', stack.gw.url], {
      env: { ...desktop(), SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22' },
      openUrl: async () => {
        throw new Error('must not open a browser');
      },
    });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    await stack.gw.browse(/Open this URL: (\S+)/.exec(run.stderr())?.[1] ?? '');
    expect((await run.result).code).toBe(0);
  });

  it('names the refusal: an unknown user exits 3', async () => {
    stack.gw.login.failure = 'unknown_user';
    const run = startCli(['login', 'demo', stack.gw.url, '--no-browser'], { env: desktop() });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    await stack.gw.browse(/Open this URL: (\S+)/.exec(run.stderr())?.[1] ?? '');
    const res = await run.result;
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('Error: Your account has not been added to this gateway');
  });

  it('stops waiting on Ctrl-C with exit 130', async () => {
    const run = startCli(['login', 'demo', stack.gw.url, '--no-browser'], { env: desktop() });
    await until(() => run.stderr().includes('Open this URL: '), 'the printed URL');
    run.interrupt();
    expect((await run.result).code).toBe(130);
  });
});

describe('confirmation code', () => {
  it('is the first 8 base32 characters of SHA-256(state) as XXXX-XXXX', () => {
    const digest = createHash('sha256').update('some-state').digest();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const byte of digest.subarray(0, 5)) bits += byte.toString(2).padStart(8, '0');
    const chars = (bits.match(/.{5}/g) ?? []).map((b) => alphabet[Number.parseInt(b, 2)]).join('');
    expect(confirmationCode('some-state')).toBe(`${chars.slice(0, 4)}-${chars.slice(4)}`);
  });
});

describe('logout', () => {
  it('revokes the session, removes the token and keeps the URL', async () => {
    await runCli(['login', 'demo', stack.gw.url], { env: desktop(), openUrl: browser([]) });
    const token = String(readConfig(dir).racks.demo?.token);
    const res = await runCli(['logout'], { env: desktop() });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('✓ Logged out of demo\n');
    expect(stack.gw.credentials.has(token)).toBe(false);
    expect(readConfig(dir).racks.demo).toEqual(expect.objectContaining({ url: stack.gw.url }));
    expect(readConfig(dir).racks.demo?.token).toBeUndefined();
    const again = await runCli(['apps'], { env: desktop() });
    expect(again.code).toBe(3);
    expect(again.stderr).toBe('Error: Not logged in to demo. Run: rack-gateway login demo\n');
  });

  it('exits 5 for an unknown rack', async () => {
    await runCli(['login', 'demo', stack.gw.url], { env: desktop(), openUrl: browser([]) });
    const res = await runCli(['logout', 'nope'], { env: desktop() });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('Unknown rack "nope"');
  });
});
