// cli.md §10: one `Error: …` line (+ optional Hint) and a documented exit code per failure.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpFailureError } from '../src/gateway/error-map.js';
import { DEPLOYER } from './support/fake-gateway.js';
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
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stopStack(stack));
beforeEach(() => {
  stack.rack.reset();
  stack.gw.rateLimits.length = 0;
  stack.gw.requests.length = 0;
  env = { RACK_GATEWAY_CONFIG_DIR: loggedIn(stack.gw).dir, RACK_GATEWAY_APP: 'storefront' };
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('credentials and selection', () => {
  it('no rack selected → exit 3 with the login hint', async () => {
    const res = await runCli(['apps'], { env: { RACK_GATEWAY_CONFIG_DIR: tempDir() } });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      'Error: No rack selected. Run: rack-gateway login <rack> <gateway-url>\n',
    );
  });

  it('a stored session past its expiry fails before any request (exit 3)', async () => {
    const dir = tempDir();
    writeConfig(dir, {
      version: 1,
      current: 'demo',
      racks: { demo: { url: stack.gw.url, token: 't', expires_at: '2020-01-01T00:00:00Z' } },
    });
    const res = await runCli(['apps'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      'Error: Session for demo expired on 2020-01-01 00:00 UTC. Run: rack-gateway login demo\n',
    );
    expect(stack.gw.requests).toHaveLength(0);
  });

  it('a rejected session → exit 3 suggesting rack-gateway login', async () => {
    const dir = tempDir();
    writeConfig(dir, {
      version: 1,
      current: 'demo',
      racks: { demo: { url: stack.gw.url, token: 'revoked' } },
    });
    const res = await runCli(['apps'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      'Error: Not authenticated with demo (unauthenticated)\nHint: Run: rack-gateway login demo\n',
    );
  });

  it('a rejected API token from the environment names the variable', async () => {
    const res = await runCli(['apps'], {
      env: {
        RACK_GATEWAY_CONFIG_DIR: tempDir(),
        RACK_GATEWAY_URL: stack.gw.url,
        RACK_GATEWAY_API_TOKEN: 'rgw_bad',
      },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      'Error: The API token in RACK_GATEWAY_API_TOKEN was rejected (unauthenticated)\n',
    );
  });
});

describe('gateway and rack failures', () => {
  it('an unreachable gateway → exit 7 naming it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const token = stack.gw.issue(DEPLOYER);
    const dir = tempDir();
    writeConfig(dir, { version: 1, current: 'demo', racks: { demo: { url, token } } });
    const res = await runCli(['apps'], { env: { RACK_GATEWAY_CONFIG_DIR: dir } });
    expect(res.code).toBe(7);
    expect(res.stderr).toBe(`Error: Cannot reach the gateway at ${url} (connection refused)\n`);
  });

  it('a rack outage → exit 7 with the 502 message', async () => {
    await stack.rack.stop();
    try {
      const res = await runCli(['apps'], { env });
      expect(res.code).toBe(7);
      expect(res.stderr).toMatch(
        /^Error: The gateway cannot reach the rack\nHint: rack unavailable: .+\n$/,
      );
    } finally {
      await stack.rack.start();
    }
  });

  it('GET 429 is retried (Retry-After honoured) and then succeeds', async () => {
    stack.gw.rateLimits.push({ method: 'GET', path: /^\/apps$/, remaining: 2, retryAfter: 0 });
    const res = await runCli(['apps'], { env });
    expect(res.code).toBe(0);
    expect(stack.gw.requests.filter((r) => r.path === '/api/v1/rack-proxy/apps')).toHaveLength(3);
  });

  it('GET 429 after two retries → exit 8', async () => {
    stack.gw.rateLimits.push({ method: 'GET', path: /^\/apps$/, remaining: 9, retryAfter: 0 });
    const res = await runCli(['apps'], { env });
    expect(res.code).toBe(8);
    expect(res.stderr).toBe('Error: Rate limited by the gateway; retry in 0 s\n');
    expect(stack.gw.requests.filter((r) => r.path === '/api/v1/rack-proxy/apps')).toHaveLength(3);
  });

  it('other methods are never retried on 429', async () => {
    stack.gw.rateLimits.push({ method: 'POST', path: /\/restart$/, remaining: 9, retryAfter: 0 });
    const res = await runCli(['restart', 'web'], { env });
    expect(res.code).toBe(8);
    expect(stack.gw.requests.filter((r) => r.path.endsWith('/restart'))).toHaveLength(1);
  });

  it('a permission denial on the rack proxy names the permission and the roles (exit 4)', async () => {
    stack.gw.denials.push({ method: 'SOCKET', path: /\/exec$/, permission: 'convox:process:exec' });
    try {
      const res = await runCli(['exec', 'web', 'ls'], { env });
      expect(res.code).toBe(4);
      expect(res.stderr).toBe(
        'Error: Permission denied: requires convox:process:exec (your roles: deployer)\n',
      );
    } finally {
      stack.gw.denials.length = 0;
    }
  });

  it('--json prints errors as JSON on stderr', async () => {
    const res = await runCli(['apps', 'info', 'shop', '--json'], { env });
    expect(res.code).toBe(5);
    expect(res.stdout).toBe('');
    expect(JSON.parse(res.stderr)).toEqual({
      error: { message: 'App "shop" not found', status: 404, code: 5 },
    });
  });

  it('unknown commands and flags are usage errors (exit 2) with a suggestion', async () => {
    const cmd = await runCli(['aps'], { env });
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("Error: unknown command 'aps'");
    expect(cmd.stderr).toContain('(Did you mean one of apps, ps?)');
    const flag = await runCli(['apps', '--bogus'], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Error: unknown option '--bogus'");
  });
});

describe('finding 9: a stale inline code locks an account', () => {
  it('after a lock every command says "account locked: ask an admin", never "session expired"', async () => {
    stack.gw.lockedUsers.add(DEPLOYER.email);
    try {
      for (const args of [['apps'], ['restart', 'web'], ['whoami']]) {
        const res = await runCli(args, { env });
        expect(res.code).toBe(6);
        expect(res.stderr).toBe('Error: account locked: ask an admin\n');
      }
      const token = stack.gw.issue(DEPLOYER, 'api_token');
      const api = await runCli(['apps'], {
        env: { ...env, RACK_GATEWAY_URL: stack.gw.url, RACK_GATEWAY_API_TOKEN: token },
      });
      expect(api.stderr).toBe('Error: account locked: ask an admin\n');
    } finally {
      stack.gw.lockedUsers.clear();
    }
  });
});

describe('finding 4: wrong error after a mutation reached the rack', () => {
  it("prints the gateway's audit_unavailable message, which says the change reached the rack", () => {
    const message =
      'The request reached the rack but could not be recorded; it will be recorded when the audit store recovers.';
    const err = httpFailureError(
      { status: 503, headers: {}, code: 'audit_unavailable', message },
      {},
    );
    expect(err.message).toBe(message);
    expect(err.message).not.toMatch(/refused|try again/);
    const before = httpFailureError(
      { status: 503, headers: {}, code: 'audit_unavailable', message: 'nothing was changed' },
      {},
    );
    expect(before.message).toContain('changes are refused until it recovers');
  });
});

describe('issue 19 finding 7b: a session that ended says how', () => {
  const ended = (code: string) =>
    httpFailureError(
      { status: 401, headers: { 'x-error-reason': code }, code, message: 'from the gateway' },
      { rack: 'prod', credential: { value: 'x', kind: 'session', source: 'config' } },
    );

  it('signed out, revoked and expired sessions each get their own line and the login command', () => {
    expect(ended('session_signed_out').message).toBe(
      'You signed out of this session for prod. Run: rack-gateway login prod',
    );
    expect(ended('session_revoked').message).toBe(
      'Your session for prod was revoked (from a session list, or by an admin change to your account). Run: rack-gateway login prod',
    );
    expect(ended('session_expired').message).toBe(
      'Your session for prod has expired. Run: rack-gateway login prod',
    );
    for (const code of ['session_signed_out', 'session_revoked', 'session_expired'])
      expect(ended(code).exitCode).toBe(3);
  });
});
