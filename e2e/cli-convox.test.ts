// The rack-gateway CLI's convox commands against the real gateway in demo mode, through its rack
// proxy and env API (issue 7; cli.md §11 checks 3-5, 7, 8, 10): apps (--json equal to the rack's
// document), reads, env masked, env set --promote, deploy of a directory with its streamed build
// log, run and exec returning the remote exit code, logs -f until Ctrl-C, and one clear 403 line for
// a viewer's env set / exec and for a deployer's secret change (convox:secret:set); exec with stdin
// and EOF written in the handshake's tick, as the native CLI does (issue 11 finding 1). Demo mode
// requires MFA: the login enrols TOTP and approves with a fresh code (support/cli-browser.ts), so the
// session's step-up window covers the changes that follow.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_MARKER, RackClient } from '@rack-gateway/convox';
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CliBrowser } from './support/cli-browser.ts';
import { runCli, startCli } from './support/cli-process.ts';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort, waitFor } from './support/ports.ts';

let gateway: GatewayProcess;
let rack: MockRack;
let deployer: Record<string, string>;
let viewer: Record<string, string>;

async function login(email: string): Promise<Record<string, string>> {
  const env = {
    RACK_GATEWAY_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'rgw-cli-e2e-')), 'config'),
    RACK_GATEWAY_APP: 'storefront',
  };
  const cli = startCli(['login', 'demo', `http://localhost:${gateway.port}`, '--no-browser'], env);
  const [, authUrl = ''] = await cli.waitForOutput(/Open this URL: (\S+)/);
  await new CliBrowser().approveCliLogin(authUrl, email);
  expect((await cli.exit).code).toBe(0);
  return env;
}

beforeAll(async () => {
  // Our own mock rack behind the demo gateway, so that the test knows its password and can drive it.
  rack = await startMockRack({ port: await freePort(), password: 'e2e-rack-password' });
  gateway = await startGateway({
    args: ['serve', '--demo'],
    env: {
      MOCK_IDP_PORT: String(await freePort()),
      RACK_HOST: rack.url,
      RACK_TOKEN: rack.password,
      LOG_FORMAT: 'json',
    },
  });
  await gateway.waitHealthy(60_000);
  deployer = await login('deployer@example.com');
  viewer = await login('viewer@example.com');
});
afterAll(async () => {
  await gateway?.stop();
  await rack?.close();
});

/** The release the mock rack runs now, asked directly (not through the gateway). */
async function currentRelease(): Promise<string> {
  const url = new URL(rack.url);
  url.username = 'convox';
  url.password = rack.password;
  return (await new RackClient({ url }).getApp('storefront')).release;
}

describe('convox commands through the gateway (demo mode)', () => {
  it('apps prints a table; --json equals the rack document relayed by the proxy', async () => {
    const res = await runCli(['apps'], deployer);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^APP\s+STATUS\s+RELEASE$/m);
    expect(res.stdout).toMatch(/^storefront\s+running\s+R[A-Z]+$/m);
    const json = await runCli(['apps', '--json'], deployer);
    const auth = Buffer.from(`convox:${rack.password}`).toString('base64');
    const direct = await fetch(`${rack.url}/apps`, {
      headers: { authorization: `Basic ${auth}`, accept: 'application/json' },
    });
    expect(json.stdout).toBe(await direct.text());
  });

  it('reads work: ps, releases, rack info', async () => {
    expect((await runCli(['ps'], deployer)).stdout).toMatch(/^web-\S+\s+web\s+running\s/m);
    expect((await runCli(['releases'], deployer)).stdout).toMatch(/^R[A-Z]{10}\s+active\s/m);
    expect((await runCli(['rack', 'info'], deployer)).stdout).toMatch(/^Version\s+\d+\.\d+\.\d+$/m);
  });

  it('env shows secrets masked through the env API', async () => {
    const res = await runCli(['env'], deployer);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('LOG_LEVEL=info\n');
    expect(res.stdout).toContain(`SECRET_KEY_BASE=${'*'.repeat(20)}\n`);
    expect((await runCli(['env', 'get', 'LOG_LEVEL'], deployer)).stdout).toBe('info\n');
  });

  it('finding 6: secret-looking values under ordinary names are shown and audited in clear — the CLI masks them', async () => {
    const url = new URL(rack.url);
    url.username = 'convox';
    url.password = rack.password;
    const seeded = {
      DATABASE_URL: 'postgres://billing:cli-url-canary-6@db.internal:5432/billing',
      DB_PASSWD: 'cli-passwd-canary-6',
      LOG_LEVEL: 'info',
      PAYMENTS: 'sk_live_CliCanaryStripe6666',
      UPLOADS_ID: 'AKIACLICANARY6666666',
    };
    const env = Object.entries(seeded)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    await new RackClient({ url }).createRelease('billing-api', { env });
    const mask = '*'.repeat(20);
    const res = await runCli(['env', '-a', 'billing-api'], deployer);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        `DATABASE_URL=postgres://billing:${mask}@db.internal:5432/billing`,
        `DB_PASSWD=${mask}`,
        'LOG_LEVEL=info',
        `PAYMENTS=${mask}`,
        `UPLOADS_ID=${mask}`,
        '',
      ].join('\n'),
    );
    const get = await runCli(['env', 'get', 'DATABASE_URL', '-a', 'billing-api'], deployer);
    expect(get.stdout).toBe(`postgres://billing:${mask}@db.internal:5432/billing\n`);
    expect(get.stderr).toMatch(/the value is masked; add --reveal/);
  });

  it("a viewer's env set and exec fail with one clear 403 line (exit 4)", async () => {
    const set = await runCli(['env', 'set', 'FOO=bar'], viewer);
    expect(set.code).toBe(4);
    expect(set.stderr).toMatch(
      /^Error: Permission denied: requires convox:env:set \(your roles: viewer\)$/m,
    );
    const exec = await runCli(['exec', 'web', 'ls'], viewer);
    expect(exec).toMatchObject({
      code: 4,
      stderr: 'Error: Permission denied: requires convox:process:exec (your roles: viewer)\n',
    });
  });

  it("a deployer's run passes step-up on the login's own verification (exit code of the command)", async () => {
    const res = await runCli(['run', 'web', 'exit 3'], deployer);
    expect(res.code).toBe(3);
  });

  it("a deployer's exec of a command that exits 3 returns 3", async () => {
    const ps = await runCli(['ps', '--json'], deployer);
    const [proc] = JSON.parse(ps.stdout) as { id: string; name: string }[];
    const res = await runCli(['exec', proc?.id ?? '', 'exit 3'], deployer);
    expect(res.code).toBe(3);
  });

  it('issue 11 finding 1: stdin and its EOF written with the handshake reach exec (native-CLI timing)', async () => {
    // As `echo … | convox exec <pid> cat` does with RACK_URL from `rack-gateway rack-url`: the
    // input frames and the empty binary frame (EOF) go out in the socket's open callback.
    const rackUrl = new URL((await runCli(['rack-url'], deployer)).stdout.trim());
    const authorization = `Basic ${Buffer.from(
      `${decodeURIComponent(rackUrl.username)}:${decodeURIComponent(rackUrl.password)}`,
    ).toString('base64')}`;
    const base = `${rackUrl.origin}${rackUrl.pathname}`;
    const ps = await fetch(`${base}/apps/storefront/processes`, { headers: { authorization } });
    const [proc] = (await ps.json()) as { id: string }[];
    const input = ['hello\n', 'from a pipe\n'];
    const frames: Buffer[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(
        `${base.replace(/^http/, 'ws')}/apps/storefront/processes/${proc?.id}/exec`,
        {
          headers: {
            authorization,
            command: 'cat',
            tty: 'false',
            'user-agent': 'convox.go/3.24.5',
          },
          skipUTF8Validation: true,
        },
      );
      socket.on('message', (data) => frames.push(Buffer.from(data as Buffer)));
      socket.once('open', () => {
        for (const line of input) socket.send(line, { binary: false });
        socket.send(Buffer.alloc(0), { binary: true });
      });
      socket.once('close', resolve);
      socket.once('error', reject);
    });
    expect(code).toBe(1000);
    expect(Buffer.concat(frames).toString()).toBe(`${input.join('')}${EXIT_MARKER}:0\n`);
  });

  it('env set --promote as deployer creates and promotes a release', async () => {
    const res = await runCli(['env', 'set', 'FOO=bar', '--promote'], deployer);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Release: R[A-Z]{10}$/m);
    const release = /Release: (R[A-Z]{10})/.exec(res.stdout)?.[1];
    await waitFor(async () => (await currentRelease()) === release, 15_000, 'the promoted release');
    const env = await runCli(['env'], deployer);
    expect(env.stdout).toContain('FOO=bar\n');
  });

  it('changing a secret needs convox:secret:set: refused for a deployer, done for an admin', async () => {
    const res = await runCli(['env', 'set', 'SECRET_KEY=x', '--promote'], deployer);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/convox:secret:set/);
    expect(res.stderr).not.toContain('SECRET_KEY=x');
    const admin = await login('admin@example.com');
    const done = await runCli(['env', 'set', 'SECRET_KEY=x', '--promote'], admin);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Release: R[A-Z]{10}$/m);
    const env = await runCli(['env'], admin);
    expect(env.stdout).toContain(`SECRET_KEY=${'*'.repeat(20)}\n`);
  });

  it('deploy packages a directory, streams the build log, promotes and waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rgw-deploy-'));
    writeFileSync(join(dir, 'convox.yml'), 'services:\n  web:\n    port: 3000\n');
    writeFileSync(join(dir, 'server.js'), 'console.log("hello")\n');
    const res = await runCli(['deploy', dir], deployer);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/Uploading source/);
    const output = `${res.stdout}${res.stderr}`;
    expect(output).toMatch(/Build: B[A-Z]{10}/);
    // The rack's build log, streamed while building: it read our manifest and files.
    expect(output).toMatch(/Preparing source \(2 files, \d+ bytes\)/);
    expect(output).toContain('Building: web');
    expect(output).toMatch(/Build complete: B[A-Z]{10}/);
    const release = /Release: (R[A-Z]{10})/.exec(output)?.[1];
    expect(release).toBeDefined();
    expect(await currentRelease()).toBe(release);
  });

  it('logs -f streams until Ctrl-C and exits 0', async () => {
    const cli = startCli(['logs', '-f'], deployer);
    const marker = `e2e-line-${Date.now()}`;
    // Appends until the line shows up (the socket may still be opening at the first append).
    await waitFor(
      async () => {
        rack.appendLogs({ app: 'storefront', service: 'web', lines: [marker] });
        return cli.stdout().includes(marker);
      },
      15_000,
      'the appended log line',
    );
    cli.child.kill('SIGINT');
    expect((await cli.exit).code).toBe(0);
  });
});
