// cli.md §4.1 step 5: the loopback listener accepts only `GET /callback` carrying our state; other
// requests get an error page and the wait goes on. Also `web` and `logout --all`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopbackListener } from '../src/login/loopback-listener.js';
import {
  readConfig,
  type Stack,
  startStack,
  stopStack,
  tempDir,
  writeConfig,
} from './support/fixtures.js';
import { runCli } from './support/run-cli.js';

describe('loopback listener', () => {
  it('answers 400 for another state, 404 elsewhere, and redirects the right callback', async () => {
    const listener = await LoopbackListener.start();
    try {
      expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      listener.expect('good-state', 'https://gw.example.com');
      const base = listener.redirectUri;
      expect((await fetch(`${base}?state=other&code=x`, { redirect: 'manual' })).status).toBe(400);
      expect(
        (await fetch(base.replace('/callback', '/elsewhere'), { redirect: 'manual' })).status,
      ).toBe(404);
      const waiting = listener.wait(AbortSignal.timeout(5000));
      const ok = await fetch(`${base}?state=good-state&code=the-code`, { redirect: 'manual' });
      expect(ok.status).toBe(302);
      expect(ok.headers.get('location')).toBe('https://gw.example.com/app/cli/success');
      expect(await waiting).toEqual({ code: 'the-code' });
    } finally {
      await listener.close();
    }
  });

  it('sends errors to the denied or error page', async () => {
    const listener = await LoopbackListener.start();
    try {
      listener.expect('s', 'https://gw.example.com');
      const res = await fetch(`${listener.redirectUri}?state=s&error=login_denied`, {
        redirect: 'manual',
      });
      expect(res.headers.get('location')).toBe('https://gw.example.com/app/cli/denied');
      expect(await listener.wait(AbortSignal.timeout(5000))).toEqual({ error: 'login_denied' });
    } finally {
      await listener.close();
    }
  });
});

describe('web and logout --all', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stopStack(stack));

  it('web opens <gateway>/app/<path>, or prints it without a display', async () => {
    const dir = tempDir();
    writeConfig(dir, { version: 1, current: 'demo', racks: { demo: { url: stack.gw.url } } });
    const opened: string[] = [];
    const openUrl = async (url: string) => opened.push(url) > 0;
    const res = await runCli(['web', 'audit'], {
      env: { RACK_GATEWAY_CONFIG_DIR: dir, DISPLAY: ':0' },
      openUrl,
    });
    expect(res.code).toBe(0);
    expect(opened).toEqual([`${stack.gw.url}/app/audit`]);
    const headless = await runCli(['web'], { env: { RACK_GATEWAY_CONFIG_DIR: dir }, openUrl });
    expect(headless.stderr).toBe(`Open this URL: ${stack.gw.url}/app\n`);
  });

  it('logout --all signs out of every rack', async () => {
    const dir = tempDir();
    const a = stack.gw.issue();
    const b = stack.gw.issue();
    writeConfig(dir, {
      version: 1,
      current: 'a',
      racks: { a: { url: stack.gw.url, token: a }, b: { url: stack.gw.url, token: b } },
    });
    const res = await runCli(['logout', '--all'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    expect(res.stdout).toBe('✓ Logged out of a\n✓ Logged out of b\n');
    expect(stack.gw.credentials.has(a) || stack.gw.credentials.has(b)).toBe(false);
    expect(Object.values(readConfig(dir).racks).map((r) => r.token)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
