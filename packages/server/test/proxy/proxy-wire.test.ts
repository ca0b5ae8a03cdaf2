// The rack proxy on the wire (convox-rack-api.md §5, §9 checks 3-8; issue 5 acceptance): targets
// ending in `?`, probes and default deny, what the rack sees of a proxied socket, frames relayed
// 1:1, in-band refusals for the native CLI, rack failures, response rewrites, request policy and
// the error formats — plus a deployer deploying end to end with our client.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { EXIT_MARKER, RackClient } from '@rack-gateway/convox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tgz } from '../../../convox/test/support/archive.js';
import { DENIALS, permissionDeniedMessage } from '../../src/access/decision.js';
import { basic, openSocket, type ProxyHarness, startProxyHarness, TOTP } from './proxy-harness.js';

const NOT_ALLOWED = `${DENIALS.route_not_allowed.message}\n`;
const MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n';

describe('rack proxy wire behaviour', () => {
  let p: ProxyHarness;
  let deployer: string;
  const proxied = (path: string, init: RequestInit & { auth: string }) =>
    fetch(`${p.proxyUrl}${path}`, {
      ...init,
      headers: { authorization: init.auth, ...(init.headers as Record<string, string>) },
    });
  const wsUrl = (path: string) => `${p.proxyUrl.replace(/^http/, 'ws')}${path}`;

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('deployer');
    deployer = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('serves a target ending in ? as an empty query', async () => {
    const auth = basic(await p.cliToken('viewer'));
    const status = await new Promise<number>((resolve, reject) => {
      const target = new URL(p.proxyUrl);
      const req = request(
        { host: target.hostname, port: target.port, path: `${target.pathname}/apps?` },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.setHeader('authorization', auth);
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const seen = p.rack.requests.list().at(-1);
    expect(seen).toMatchObject({ path: '/apps', rawQuery: '', hasQueryMark: true });
  });

  it('answers the SDK probes 404 without an audit denial; /kubeconfig never reaches the rack', async () => {
    const auth = basic(await p.cliToken('viewer'));
    p.h.audit.clear();
    const before = p.rack.requests.list().length;
    const probe = await proxied('/racks?', { auth });
    expect([probe.status, await probe.text()]).toEqual([404, NOT_ALLOWED]);
    expect(p.h.audit.of('proxy.route_denied')).toEqual([]);
    const certs = await proxied('/kubeconfig?', { auth });
    expect([certs.status, await certs.text()]).toEqual([404, NOT_ALLOWED]);
    expect(certs.headers.get('x-error-reason')).toBe('route_not_allowed');
    expect(p.h.audit.of('proxy.route_denied')[0]).toMatchObject({
      status: 'denied',
      resource: '/kubeconfig',
    });
    for (const path of ['/apps/storefront/environment', '/apps'])
      expect(
        (await proxied(`${path}?`, { auth, method: path === '/apps' ? 'HEAD' : 'GET' })).status,
      ).toBe(404);
    expect(p.rack.requests.list().length).toBe(before);
  });

  it('shows the rack its own Origin, credential and the actor on a socket, never the client credential', async () => {
    const opened = await openSocket(wsUrl('/apps/storefront/logs'), {
      authorization: basic(await p.cliToken('viewer')),
      origin: p.h.url,
      follow: 'false',
    });
    await opened.closed;
    const seen = p.rack.requests
      .list()
      .filter((r) => r.method === 'SOCKET')
      .at(-1);
    expect(seen?.origin).toBe(p.rack.url);
    expect(seen?.headers.origin).toBe(p.rack.url);
    expect(seen?.authorization).toEqual({ scheme: 'Basic', username: 'convox', auth: 'ok' });
    expect(seen?.headers['x-convox-actor']).toBe('viewer@example.com');
    expect(seen?.headers.follow).toBe('false');
    expect(JSON.stringify(seen)).not.toContain(await p.cliToken('viewer'));
  });

  it('relays exec frames 1:1 with non-UTF-8 bytes, keeps the trailer and records the exit code', async () => {
    p.h.audit.clear();
    const opened = await openSocket(wsUrl('/apps/storefront/processes/web/exec'), {
      authorization: deployer,
      command: `sh -c "printf 'a\\xffb'; printf c; printf d; exit 4"`,
      tty: 'false',
    });
    opened.socket.send(Buffer.alloc(0), { binary: true });
    await opened.closed;
    expect(opened.frames.slice(0, 3)).toEqual([
      Buffer.from([0x61, 0xff, 0x62]),
      Buffer.from('c'),
      Buffer.from('d'),
    ]);
    expect(opened.frames[3]?.toString()).toBe(`${EXIT_MARKER}:4\n`);
    expect(opened.frames[4]?.length).toBe(0);
    await expect.poll(() => p.h.audit.of('process.exec.close').length).toBe(1);
    expect(p.h.audit.of('process.exec.close')[0]?.details?.exit_code).toBe(4);
  });

  it('refuses in-band for the native CLI and with HTTP 403 for everyone else', async () => {
    const auth = basic(await p.cliToken('viewer'));
    const path = wsUrl('/apps/storefront/processes/web/exec');
    const native = await openSocket(path, {
      authorization: auth,
      'user-agent': 'convox.go/dev',
      command: 'ls',
    });
    await native.closed;
    expect(native.frames.map((f) => f.toString())).toEqual([
      `ERROR: ${permissionDeniedMessage('convox:process:exec')}\n`,
      `${EXIT_MARKER}:1\n`,
      '',
    ]);
    await expect(openSocket(path, { authorization: auth, command: 'ls' })).rejects.toMatchObject({
      status: 403,
      headers: {
        'x-error-reason': 'permission_denied',
        'x-required-permission': 'convox:process:exec',
      },
    });
  });

  it('turns a rack 401 into 502 rack_auth_failed and removes repository userinfo from builds', async () => {
    const auth = basic(await p.cliToken('viewer'));
    p.rack.faults.add({
      match: { method: 'GET', path: '/instances' },
      effect: { status: 401 },
      times: 1,
    });
    const failed = await proxied('/instances?', { auth });
    expect(failed.status).toBe(502);
    expect(failed.headers.get('x-error-reason')).toBe('rack_auth_failed');
    expect(await failed.text()).toBe("the rack rejected the gateway's credentials\n");
    const build = {
      id: 'BX',
      app: 'storefront',
      repository: 'https://convox:s3cret@git.example.com/x.git',
      status: 'complete',
    };
    p.rack.faults.add({
      match: { method: 'GET', path: '/apps/storefront/builds/BX' },
      effect: { status: 200, body: JSON.stringify(build) },
      times: 1,
    });
    const res = await proxied('/apps/storefront/builds/BX?', { auth });
    const text = await res.text();
    expect(JSON.parse(text).repository).toBe('https://git.example.com/x.git');
    expect(text).not.toContain('s3cret');
  });

  it('refuses external builds and run headers the CLI never sends; errors are text or JSON by Accept', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const external = await proxied('/apps/storefront/builds?', {
      auth: deployer,
      method: 'POST',
      headers: form,
      body: 'external=true&url=object%3A%2F%2Fstorefront%2Fx.tgz',
    });
    expect(external.status).toBe(403);
    expect(external.headers.get('x-error-reason')).toBe('external_build');
    expect(await external.text()).toBe('external builds are not available through rack-gateway\n');
    const privileged = await proxied('/apps/storefront/services/web/processes?', {
      auth: deployer,
      method: 'POST',
      headers: { privileged: 'true', accept: 'application/json' },
    });
    expect(privileged.status).toBe(403);
    expect(privileged.headers.get('content-type')).toContain('application/json');
    expect(await privileged.json()).toEqual({
      error: 'header Privileged is not allowed through rack-gateway',
      code: 'header_not_allowed',
    });
    const envHeader = await proxied('/apps?', { auth: deployer, headers: { env: 'A=1' } });
    expect(envHeader.status).toBe(400);
    expect((await envHeader.text()).length).toBeGreaterThan(1);
    const noCred = await proxied('/apps?', { auth: '' });
    expect(noCred.status).toBe(401);
    expect(noCred.headers.get('x-error-source')).toBe('gateway');
    expect((await noCred.text()).trim()).not.toBe('');
  });

  it('lets a deployer deploy end to end: upload, build, build logs, promote, the app runs the release', async () => {
    const url = new URL(p.proxyUrl);
    url.username = 'convox';
    url.password = `${await p.cliToken('deployer')}.totp.${TOTP}`;
    const client = new RackClient({ url });
    const archive = tgz({ 'convox.yml': MANIFEST, Dockerfile: 'FROM node:20\n' });
    const object = await client.uploadObject('storefront', Readable.from([archive]), {
      size: archive.length,
    });
    const build = await client.createBuild('storefront', {
      url: object.url,
      description: 'e2e deploy',
    });
    const logs = await (await client.buildLogs('storefront', build.id)).text();
    expect(logs).toContain('Parsing manifest: convox.yml');
    let done = await client.getBuild('storefront', build.id);
    await expect
      .poll(async () => {
        done = await client.getBuild('storefront', build.id);
        return done.status;
      })
      .toBe('complete');
    await client.promoteRelease('storefront', done.release);
    await expect.poll(async () => (await client.getApp('storefront')).release).toBe(done.release);
    await expect.poll(async () => (await client.getApp('storefront')).status).toBe('running');
    const actions = p.h.audit.events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['object.create', 'build.create', 'log.read', 'release.promote']),
    );
  });
});
