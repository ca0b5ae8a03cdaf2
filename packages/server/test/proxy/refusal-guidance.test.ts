// Issue 11, finding 3: the native convox CLI prints only the body of a refusal (`ERROR: <body>`),
// so every refusal body names the way forward — for MFA `rack-gateway mfa` or the `.totp.<code>`
// suffix, for a route the gateway does not allow that it is the gateway refusing and which policy
// decides, for a role refusal the permission and who can grant it. `convox deploy` and `build`
// upload their source first: the upload is refused before its body is read, so a user without
// the step-up does not wait for a large upload only to be refused at the build.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basic,
  type DemoUser,
  type ProxyHarness,
  startProxyHarness,
  TOTP,
} from './proxy-harness.js';

const NATIVE_UA = 'convox.go/3.24.5';
const DECLARED_UPLOAD = 200 * 1024 * 1024;

interface Refusal {
  readonly status: number;
  readonly body: string;
}

describe('issue 11 finding 3: refusals a native-CLI user can act on', () => {
  let p: ProxyHarness;
  const cli = async (user: DemoUser, suffix = '') => basic(`${await p.cliToken(user)}${suffix}`);
  const native = async (method: string, path: string, auth: string): Promise<Refusal> => {
    const res = await fetch(`${p.proxyUrl}${path}`, {
      method,
      headers: { authorization: auth, 'user-agent': NATIVE_UA },
    });
    return { status: res.status, body: await res.text() };
  };
  const objectRequests = () => p.rack.requests.list().filter((r) => r.path.includes('/objects/'));

  /**
   * Starts an upload that declares 200 MB, sends its first 64 KiB and waits for an answer without
   * sending more: a refusal arrives while the body is still almost entirely unsent.
   */
  const startUpload = (auth: string): Promise<Refusal & { sent: number }> =>
    new Promise((resolve, reject) => {
      const target = new URL(`${p.proxyUrl}/apps/storefront/objects/tmp/source.tgz`);
      const first = Buffer.alloc(64 * 1024, 0x61);
      const req = request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          authorization: auth,
          'user-agent': NATIVE_UA,
          'content-type': 'application/octet-stream',
          'content-length': String(DECLARED_UPLOAD),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body, sent: first.length });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write(first);
    });

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('deployer');
  });
  afterAll(async () => {
    await p?.close();
  });

  it('an account without MFA is told where to set it up', async () => {
    const res = await native('POST', '/apps/storefront/builds', await cli('admin'));
    expect(res.status).toBe(403);
    expect(res.body).toContain('/app/account/security');
    await p.enrol('admin');
  });

  it('a step-up refusal names rack-gateway mfa and the .totp.<code> suffix', async () => {
    const res = await native('POST', '/apps/storefront/builds', await cli('deployer'));
    expect(res.status).toBe(401);
    expect(res.body).toContain('run rack-gateway mfa');
    expect(res.body).toContain('add .totp.<code> to the rack password');
  });

  it('an always refusal names the .totp.<code> suffix and says a step-up does not cover it', async () => {
    const res = await native('GET', '/apps/storefront/resources/db/data', await cli('admin'));
    expect(res.status).toBe(401);
    expect(res.body).toContain('add .totp.<code> to the rack password');
    expect(res.body).toContain('a step-up does not cover it');
  });

  it('a route outside the table says the gateway refused it, not the rack', async () => {
    const res = await native('GET', '/kubeconfig', await cli('admin'));
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/^Refused by rack-gateway, not the rack: .*route table/);
    expect(p.rack.requests.list().some((r) => r.path === '/kubeconfig')).toBe(false);
  });

  it('a destructive action names the setting that refuses it and who can change it', async () => {
    const res = await native('DELETE', '/apps/storefront', await cli('admin', `.totp.${TOTP}`));
    expect(res.status).toBe(403);
    expect(res.body).toContain('Refused by rack-gateway, not the rack');
    expect(res.body).toContain('allow_destructive_actions setting; an admin can change it');
  });

  it('a role refusal names the permission, the roles that have it and who assigns them', async () => {
    const res = await native('POST', '/apps/storefront/builds', await cli('viewer'));
    expect(res.status).toBe(403);
    expect(res.body).toContain('requires convox:build:create');
    expect(res.body).toContain('roles that have it: deployer, admin');
    expect(res.body).toContain('an admin assigns roles');
  });

  it('refuses a deploy without step-up at the source upload, before its body is read', async () => {
    const before = objectRequests().length;
    const res = await startUpload(await cli('deployer'));
    expect(res.status).toBe(401);
    expect(res.body).toContain('run rack-gateway mfa');
    expect(res.sent).toBeLessThan(DECLARED_UPLOAD / 1000);
    expect(objectRequests().length).toBe(before);
  });

  it('refuses an upload by a role without convox:object:create before its body is read', async () => {
    const before = objectRequests().length;
    const res = await startUpload(await cli('viewer'));
    expect(res.status).toBe(403);
    expect(res.body).toContain('requires convox:object:create');
    expect(objectRequests().length).toBe(before);
  });

  it('with a code in the password, the upload and the build it feeds go through', async () => {
    const withCode = await cli('deployer', `.totp.${TOTP}`);
    const upload = await fetch(`${p.proxyUrl}/apps/storefront/objects/tmp/ok.tgz`, {
      method: 'POST',
      headers: { authorization: withCode, 'user-agent': NATIVE_UA },
      body: Buffer.from('source'),
    });
    expect(upload.status).toBe(200);
    const build = await fetch(`${p.proxyUrl}/apps/storefront/builds`, {
      method: 'POST',
      headers: {
        authorization: withCode,
        'user-agent': NATIVE_UA,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ url: 'object://storefront/tmp/ok.tgz' }),
    });
    expect(build.status).toBe(200);
  });
});
