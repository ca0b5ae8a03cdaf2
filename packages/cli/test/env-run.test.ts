// cli.md §6 and §6.2: env through the gateway's env API, run/exec with exit codes, pipe and
// terminal modes, and the keepalive process cleanup.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loggedIn, type Stack, startStack, stopStack } from './support/fixtures.js';
import { runCli, startCli, until } from './support/run-cli.js';

let stack: Stack;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  stack.rack.reset();
  stack.gw.denials.length = 0;
  env = { RACK_GATEWAY_CONFIG_DIR: loggedIn(stack.gw).dir, RACK_GATEWAY_APP: 'storefront' };
});

const MASK = '*'.repeat(20);
const lastSocket = (suffix: string) =>
  stack.rack.requests
    .list()
    .filter((r) => r.method === 'SOCKET' && r.path.endsWith(suffix))
    .at(-1);

describe('env', () => {
  it('prints sorted KEY=VALUE lines with secrets masked', async () => {
    const res = await runCli(['env'], { env });
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines).toEqual([...lines].sort());
    expect(lines).toContain('LOG_LEVEL=info');
    expect(lines).toContain(`SECRET_KEY_BASE=${MASK}`);
    expect(lines).toContain(`STRIPE_API_KEY=${MASK}`);
  });

  it('env get prints one value; a masked one gets a hint; --reveal shows it; missing exits 5', async () => {
    expect((await runCli(['env', 'get', 'LOG_LEVEL'], { env })).stdout).toBe('info\n');
    const masked = await runCli(['env', 'get', 'SECRET_KEY_BASE'], { env });
    expect(masked.stdout).toBe(`${MASK}\n`);
    expect(masked.stderr).toContain('--reveal');
    const revealed = await runCli(['env', 'get', 'SECRET_KEY_BASE', '--reveal'], { env });
    expect(revealed.stdout).toBe('mock-secret-key-base-0123456789abcdef\n');
    const missing = await runCli(['env', 'get', 'NOPE'], { env });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toBe('Error: NOPE not found\n');
  });

  it('env set --promote prints the release and waits until the app runs it', async () => {
    const res = await runCli(['env', 'set', 'SECRET_KEY=x', 'FOO=bar', '--promote'], { env });
    expect(res.code).toBe(0);
    const release = /^Release: (R[A-Z]{10})$/m.exec(res.stdout)?.[1];
    expect(release).toBeDefined();
    expect(res.stderr).toContain('Setting SECRET_KEY, FOO... OK');
    expect(res.stderr).toContain(`Promoting ${release}... `);
    expect(res.stderr.trimEnd().endsWith('OK')).toBe(true);
    expect((await runCli(['apps', 'info', 'storefront'], { env })).stdout).toContain(
      `Release     ${release}`,
    );
    expect((await runCli(['env', 'get', 'FOO'], { env })).stdout).toBe('bar\n');
    const put = stack.gw.requests.filter(
      (r) => r.method === 'PUT' && r.path === '/api/v1/apps/storefront/env',
    );
    expect(put).toHaveLength(1);
  });

  it('env set reads K=V lines from stdin when it is not a terminal; unset removes', async () => {
    const set = await runCli(['env', 'set'], { env, stdin: 'A_ONE=1\n\nB_TWO=two words\n' });
    expect(set.code).toBe(0);
    expect((await runCli(['env', 'get', 'B_TWO'], { env })).stdout).toBe('two words\n');
    const unset = await runCli(['env', 'unset', 'A_ONE'], { env });
    expect(unset.stderr).toContain('Unsetting A_ONE... OK');
    expect((await runCli(['env', 'get', 'A_ONE'], { env })).code).toBe(5);
  });

  it('validates keys and pairs before any request (exit 2)', async () => {
    const before = stack.gw.requests.length;
    expect((await runCli(['env', 'set', '1BAD=x'], { env })).code).toBe(2);
    const noEquals = await runCli(['env', 'set', 'FOO'], { env });
    expect(noEquals.code).toBe(2);
    expect(noEquals.stderr).toBe('Error: "FOO" is not KEY=VALUE\n');
    expect(stack.gw.requests.length).toBe(before);
  });

  it('a viewer gets one clear 403 line naming the permission (exit 4)', async () => {
    const viewer = { email: 'viewer@example.com', name: 'Viewer', roles: ['viewer'] };
    const viewerEnv = { ...env, RACK_GATEWAY_CONFIG_DIR: loggedIn(stack.gw, 'demo', viewer).dir };
    stack.gw.denials.push({ method: 'PUT', path: /\/env$/, permission: 'convox:env:set' });
    const res = await runCli(['env', 'set', 'FOO=bar'], { env: viewerEnv });
    expect(res.code).toBe(4);
    expect(res.stderr).toBe(
      'Setting FOO... \nError: Permission denied: requires convox:env:set (your roles: viewer)\n',
    );
  });
});

describe('run and exec', () => {
  const runPods = async () =>
    JSON.parse((await runCli(['ps', '--json'], { env })).stdout).filter((p: { command: string }) =>
      p.command.startsWith('sleep'),
    );

  it('run returns the remote exit code and leaves no run process behind', async () => {
    const res = await runCli(['run', 'web', 'exit 3'], { env });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe('');
    const created = stack.rack.requests
      .list()
      .filter((r) => r.method === 'POST' && r.path.endsWith('/processes'));
    expect(created.at(-1)?.headers.command).toBe('sleep 3600');
    expect(lastSocket('/exec')?.headers).toMatchObject({
      command: 'exit 3',
      entrypoint: 'true',
      tty: 'false',
    });
    expect(await runPods()).toEqual([]);
  });

  it('pipe mode forwards stdin until EOF (echo hello | run web cat)', async () => {
    const res = await runCli(['run', 'web', 'cat'], { env, stdin: 'hello\n' });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('hello\n');
  });

  it('exec runs in an existing process and exits with its code', async () => {
    const pid = JSON.parse((await runCli(['ps', '--json'], { env })).stdout)[0].id;
    const res = await runCli(['exec', pid, "sh -c 'echo hi && exit 3'"], { env });
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('hi\n');
    expect(lastSocket('/exec')?.headers.entrypoint).toBeUndefined();
  });

  it('terminal mode forwards keystrokes in raw mode and restores the terminal', async () => {
    const pid = JSON.parse((await runCli(['ps', '--json'], { env })).stdout)[0].id;
    const input = new PassThrough();
    const run = startCli(['exec', pid, 'sh'], {
      env,
      stdin: input,
      stdinTTY: true,
      stdoutTTY: true,
    });
    await until(() => run.stdout().includes('$ '), 'the shell prompt');
    input.write('exit 5\r');
    const res = await run.result;
    expect(res.code).toBe(5);
    expect(run.rawModes).toEqual([true, false]);
    expect(lastSocket('/exec')?.headers).toMatchObject({ height: '30', width: '100' });
  });

  it('an exec error after the trailer exits 1 with the rack message', async () => {
    const res = await runCli(['exec', 'web-nope', 'ls'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error: process not found: web-nope\n');
  });

  it('a socket ending without a trailer is a lost connection (exit 7)', async () => {
    stack.rack.faults.add({
      match: { method: 'SOCKET' },
      effect: { wsDropAfterFrames: 1, wsAbrupt: true },
    });
    const pid = JSON.parse((await runCli(['ps', '--json'], { env })).stdout)[0].id;
    const res = await runCli(['exec', pid, "sh -c 'echo a && echo b && echo c'"], { env });
    expect(res.code).toBe(7);
  });

  it('run -d starts the command detached and prints the pid', async () => {
    const res = await runCli(['run', '-d', 'worker', 'rake', 'db:migrate'], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^Running detached process\.\.\. OK, worker-[a-z0-9]{5}\n$/);
  });
});
