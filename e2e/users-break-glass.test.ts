// Break-glass `users` commands while the gateway runs on its embedded database (config.md §4):
// PGlite serves one process, so `users create | reset-mfa | unlock`, each a separate process, go
// through the running server's admin socket. The effect shows in the API (the new user, the
// deployer's revoked session and missing MFA, the cleared lock) and each action is audited as
// actor `system`, as when no server runs. A data directory held by a process that answers no
// socket gets a one-line explanation of what to do, never a stack trace.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliBrowser } from './support/cli-browser.ts';
import { type GatewayProcess, startDemoGateway } from './support/gateway-process.ts';
import { freshTotp, secretOf } from './support/mfa.ts';
import { completeCliLogin, startHeadlessCliLogin } from './support/sign-in.ts';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'packages', 'server', 'src', 'bin.ts');
const TSX = import.meta.resolve('tsx');

interface Run {
  readonly code: number | null;
  readonly out: string;
}

/** `rack-gateway-server …` as its own process (asynchronous: the gateway's pipes keep draining). */
function server(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

/** The lines a command printed, without the mock IdP library's runtime warning. */
const printed = (run: Run): string[] =>
  run.out.split('\n').filter((l) => l !== '' && !l.startsWith('oidc-provider WARNING'));

async function cliToken(base: string, email: string): Promise<string> {
  const login = await startHeadlessCliLogin(base, `${email}-laptop`);
  await new CliBrowser().approveCliLogin(login.authUrl, email);
  const done = await completeCliLogin(base, login);
  if (done.status !== 200) throw new Error(`cli login of ${email}: ${done.status}`);
  return done.token;
}

describe('break-glass users commands while serve runs on the embedded database', () => {
  let gateway: GatewayProcess;
  let base: string;
  let adminToken: string;
  let deployerToken: string;

  const users = (...args: string[]) =>
    server(gateway.cwd, { LOG_FORMAT: 'json' }, 'users', ...args, '--demo');
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminToken}`, ...init.headers },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const auditOf = async (action: string) => {
    const { body } = await api(`/api/v1/audit-logs?view=raw&range=all&action=${action}`);
    return body.items as Record<string, unknown>[];
  };

  beforeAll(async () => {
    gateway = await startDemoGateway();
    base = `http://localhost:${gateway.port}`;
    [adminToken, deployerToken] = await Promise.all([
      cliToken(base, 'admin@example.com'),
      cliToken(base, 'deployer@example.com'),
    ]);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('issue 19 finding 4: users create adds a user the API shows, audited user.create by system', async () => {
    const run = await users(
      'create',
      '--email',
      'Break@Example.com',
      '--name',
      'Break Glass',
      '--role',
      'admin',
    );
    expect(printed(run), run.out).toEqual(['created break@example.com (admin)']);
    expect(run.code).toBe(0);
    const user = await api('/api/v1/users/break@example.com');
    expect(user).toMatchObject({ status: 200, body: { name: 'Break Glass', roles: ['admin'] } });
    const again = await users(
      'create',
      '--email',
      'break@example.com',
      '--name',
      'B',
      '--role',
      'admin',
    );
    expect({ code: again.code, lines: printed(again) }).toEqual({
      code: 1,
      lines: ['users: user break@example.com already exists'],
    });
    expect(await auditOf('user.create')).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        channel: 'system',
        status: 'success',
        resource: 'break@example.com',
      }),
    ]);
  });

  it('issue 19 finding 4: users reset-mfa removes the MFA method and signs the user out, audited by system', async () => {
    const run = await users('reset-mfa', 'deployer@example.com');
    expect(run.code, run.out).toBe(0);
    expect(printed(run)).toEqual([
      expect.stringMatching(
        /^reset MFA of deployer@example\.com: 1 method\(s\) removed, [1-9]\d* session\(s\) revoked$/,
      ),
    ]);
    const info = await fetch(`${base}/api/v1/info`, {
      headers: { authorization: `Bearer ${deployerToken}` },
    });
    expect(info.status).toBe(401);
    const user = await api('/api/v1/users/deployer@example.com');
    expect(user.body.mfa_enrolled).toBe(false);
    expect(await auditOf('user.mfa_reset')).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        channel: 'system',
        resource: 'deployer@example.com',
      }),
    ]);
  });

  it('issue 19 finding 4: users unlock clears a lock an admin set, audited user.unlock by system', async () => {
    const locked = await api('/api/v1/users/deployer@example.com/lock', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-mfa-totp': await freshTotp(secretOf('admin@example.com')),
      },
      body: JSON.stringify({ reason: 'suspicious sign-ins' }),
    });
    expect(locked.status, JSON.stringify(locked.body)).toBe(200);
    expect((await api('/api/v1/users/deployer@example.com')).body.locked).toBe(true);
    const run = await users('unlock', 'deployer@example.com');
    expect({ code: run.code, lines: printed(run) }, run.out).toEqual({
      code: 0,
      lines: ['unlocked deployer@example.com'],
    });
    expect((await api('/api/v1/users/deployer@example.com')).body.locked).toBe(false);
    const unlocks = await auditOf('user.unlock');
    expect(unlocks).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        channel: 'system',
        resource: 'deployer@example.com',
      }),
    ]);
  });
});

describe('break-glass users commands on a data directory held without a socket', () => {
  it('issue 19 finding 4: one line says which process holds the database, which socket was tried and what to do', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rgw-held-'));
    const dataDir = join(cwd, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    // A live process that is not a gateway (this test runner) holds the lock: no socket answers.
    writeFileSync(join(dataDir, 'gateway.lock'), String(process.pid), { mode: 0o600 });
    const run = await server(
      cwd,
      {
        DEV_MODE: 'true',
        RGW_DATA_DIR: dataDir,
        RACK_HOST: 'http://127.0.0.1:9',
        RACK_TOKEN: 'unused-rack-token',
        OIDC_ISSUER: 'http://localhost:9',
        OIDC_ALLOW_INSECURE_HTTP: 'true',
        OIDC_CLIENT_ID: 'unused',
        OIDC_CLIENT_SECRET: 'unused-secret',
        OIDC_ALLOWED_DOMAINS: 'example.com',
      },
      'users',
      'unlock',
      'someone@example.com',
    );
    expect(run.code).toBe(1);
    const lines = printed(run);
    expect(lines, run.out).toHaveLength(1);
    expect(lines[0]).toContain(
      `users: the embedded database in ${dataDir} is in use by process ${process.pid}`,
    );
    expect(lines[0]).toContain(`no gateway answers on ${join(dataDir, 'admin.sock')}`);
    expect(lines[0]).toContain(`stop process ${process.pid} and run the command again`);
    expect(run.out).not.toMatch(/^\s+at /m);
  });
});
