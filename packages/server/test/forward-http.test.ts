import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardHttp, type RackUpstream } from '../src/proxy/forward-http.js';
import { createRackDispatcher } from '../src/proxy/rack-dispatcher.js';

interface Seen {
  url: string;
  method: string;
  headers: IncomingMessage['headers'];
  bytes: number;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function rack(
  handler: (req: IncomingMessage, seen: Seen) => [number, string],
): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      const s = { url: req.url ?? '', method: req.method ?? '', headers: req.headers, bytes };
      seen.push(s);
      const [status, body] = handler(req, s);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/base`), seen };
}

const upstream = (baseUrl: URL, responseTimeoutSeconds = 5): RackUpstream => ({
  baseUrl,
  dispatcher: new Agent(),
  responseTimeoutSeconds,
  streamIdleTimeoutSeconds: 5,
});

describe('forwarding to the rack', () => {
  it('keeps the base path, the raw target and its trailing ?', async () => {
    const { url, seen } = await rack(() => [200, 'ok\n']);
    const res = await forwardHttp(upstream(url), {
      method: 'GET',
      target: '/apps/a%20b/processes?',
      headers: {},
      body: null,
    });
    expect(res.status).toBe(200);
    expect(await text(res.body)).toBe('ok\n');
    expect(seen[0]?.url).toBe('/base/apps/a%20b/processes?');
  });

  it('streams a request body through without needing its size', async () => {
    const { url, seen } = await rack(() => [200, '{"Url":"object://app/x.tgz"}']);
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 7));
    const res = await forwardHttp(upstream(url), {
      method: 'POST',
      target: '/apps/app/objects/tmp/x.tgz',
      headers: { 'content-type': 'application/octet-stream' },
      body: Readable.from(chunks),
    });
    res.body.resume();
    await new Promise((r) => res.body.once('end', r));
    expect(seen[0]?.bytes).toBe(64 * 64 * 1024);
    expect(seen[0]?.headers['transfer-encoding']).toBe('chunked');
  });

  it("turns the rack's 401 into rack_auth_failed (never relayed)", async () => {
    const { url } = await rack(() => [401, 'invalid authentication\n']);
    await expect(
      forwardHttp(upstream(url), { method: 'GET', target: '/apps?', headers: {}, body: null }),
    ).rejects.toMatchObject({
      status: 502,
      code: 'rack_auth_failed',
    });
  });

  it('answers 502 rack_unavailable when nothing listens and 504 when headers are late', async () => {
    const { url } = await rack(() => [200, '']);
    const dead = new URL(url.href);
    dead.port = '1';
    await expect(
      forwardHttp(upstream(dead), { method: 'GET', target: '/apps?', headers: {}, body: null }),
    ).rejects.toMatchObject({
      status: 502,
      code: 'rack_unavailable',
      message: expect.stringMatching(/^rack unavailable: /),
    });
    const slow = createServer(() => undefined);
    servers.push(slow);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowUrl = new URL(`http://127.0.0.1:${(slow.address() as AddressInfo).port}`);
    await expect(
      forwardHttp(upstream(slowUrl, 1), {
        method: 'GET',
        target: '/apps?',
        headers: {},
        body: null,
      }),
    ).rejects.toMatchObject({
      status: 504,
      code: 'rack_timeout',
    });
    slow.closeAllConnections();
  });
});

describe('rack TLS pinning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgw-tls-'));
  let haveOpenssl = true;
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  } catch {
    haveOpenssl = false;
  }

  it.skipIf(!haveOpenssl)('accepts the pinned certificate and refuses another', async () => {
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server = createHttpsServer(
      { cert, key: readFileSync(join(dir, 'key.pem')) },
      (_req, res) => res.end('ok\n'),
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const fingerprint = createHash('sha256').update(new X509Certificate(cert).raw).digest('hex');
    const pinned = (pin: string): RackUpstream => ({
      baseUrl: base,
      dispatcher: createRackDispatcher({ verify: false, ca: undefined, pin: () => pin }),
      responseTimeoutSeconds: 5,
      streamIdleTimeoutSeconds: 5,
    });
    const ok = await forwardHttp(pinned(fingerprint), {
      method: 'GET',
      target: '/system?',
      headers: {},
      body: null,
    });
    expect(await text(ok.body)).toBe('ok\n');
    await expect(
      forwardHttp(pinned('0'.repeat(64)), {
        method: 'GET',
        target: '/system?',
        headers: {},
        body: null,
      }),
    ).rejects.toMatchObject({
      code: 'rack_unavailable',
      message: expect.stringContaining('pinned fingerprint'),
    });
  });
});
