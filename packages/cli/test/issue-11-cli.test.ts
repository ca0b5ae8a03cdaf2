// Issue 11, finding 4: our own CLI where a convox user trips over it — `logs --no-follow`,
// `releases rollback`, an expired step-up in `whoami`, and a default app taken from the directory.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  loggedIn,
  type Stack,
  startStack,
  stopStack,
  tempDir,
  writeConfig,
} from './support/fixtures.js';
import { runCli } from './support/run-cli.js';

let stack: Stack;
let env: Record<string, string>;
let token: string;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  stack.rack.reset();
  const login = loggedIn(stack.gw);
  token = login.token;
  env = { RACK_GATEWAY_CONFIG_DIR: login.dir };
});

describe('issue 11 finding 4: our own CLI', () => {
  it('logs --no-follow prints the selected lines and ends', async () => {
    const res = await runCli(['logs', '--no-follow', '-a', 'storefront', '--since', '1d'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+Z service\/web\/web-\S+ /m);
    const sent = stack.rack.requests
      .list()
      .filter((r) => r.path === '/apps/storefront/logs')
      .at(-1);
    expect(sent?.headers).toMatchObject({ follow: 'false' });
  });

  it("releases rollback promotes a new release made from the old one's build and env", async () => {
    const before = await runCli(['releases', 'info', 'RBILLINGAAA', '-a', 'billing-api'], { env });
    const oldBuild = /^Build\s+(\S+)$/m.exec(before.stdout)?.[1];
    expect(oldBuild).toBeDefined();
    const res = await runCli(['releases', 'rollback', 'RBILLINGAAA', '-a', 'billing-api'], {
      env,
    });
    expect(res.code).toBe(0);
    const created = /Rolling back to RBILLINGAAA\.\.\. OK, (R\w+)/.exec(res.stderr)?.[1];
    expect(created).toBeDefined();
    expect(res.stderr).toContain(`Promoting ${created}... `);
    const app = await runCli(['apps', 'info', 'billing-api'], { env });
    expect(app.stdout).toMatch(new RegExp(`^Release\\s+${created}$`, 'm'));
    const info = await runCli(['releases', 'info', String(created), '-a', 'billing-api'], { env });
    expect(info.stdout).toMatch(new RegExp(`^Build\\s+${oldBuild}$`, 'm'));
    const create = stack.gw.requests.find(
      (r) => r.method === 'POST' && r.path === '/api/v1/rack-proxy/apps/billing-api/releases',
    );
    expect(create).toBeDefined();
  });

  it('releases rollback takes the step-up path of promote: verify first, nothing created without a code', async () => {
    const stale = stack.gw.issue(undefined, 'session', 86_400_000, false);
    const dir = tempDir();
    const config = JSON.parse(
      readFileSync(join(env.RACK_GATEWAY_CONFIG_DIR ?? '', 'config.json'), 'utf8'),
    );
    config.racks.demo.token = stale;
    writeConfig(dir, config);
    const staleEnv = { RACK_GATEWAY_CONFIG_DIR: dir };
    const mark = stack.gw.requests.length;
    const since = () => stack.gw.requests.slice(mark);
    const refused = await runCli(['releases', 'rollback', 'RBILLINGAAA', '-a', 'billing-api'], {
      env: staleEnv,
    });
    expect(refused.code).toBe(6);
    const isCreate = (r: { method: string; path: string }) =>
      r.method === 'POST' && r.path === '/api/v1/rack-proxy/apps/billing-api/releases';
    expect(since().some(isCreate)).toBe(false);
    const res = await runCli(
      ['releases', 'rollback', 'RBILLINGAAA', '-a', 'billing-api', '--mfa-code', '123456'],
      { env: staleEnv },
    );
    expect(res.code).toBe(0);
    const verify = since().findIndex((r) => r.path === '/api/v1/auth/mfa/verify');
    expect(verify).toBeGreaterThanOrEqual(0);
    expect(verify).toBeLessThan(since().findIndex(isCreate));
  });

  it('whoami shows an expired step-up as expired', async () => {
    const cred = stack.gw.credentials.get(token);
    if (cred === undefined) throw new Error('no credential');
    cred.stepUpUntil = Date.now() - 5 * 60_000;
    const res = await runCli(['whoami'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^MFA\s+.*step-up expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    expect(res.stdout).not.toContain('valid until');
  });

  it('a default app from the directory name that does not exist says so and lists the apps', async () => {
    const cwd = join(tempDir(), 'not-an-app');
    mkdirSync(cwd);
    const res = await runCli(['ps'], { env, cwd });
    expect(res.code).toBe(5);
    expect(res.stderr).toBe(
      [
        `Error: No app "not-an-app" (the default app is the current directory's name); pick one with -a <app>`,
        'Hint: Apps on this rack: billing-api, docs, storefront',
        '',
      ].join('\n'),
    );
  });
});
