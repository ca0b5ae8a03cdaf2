// Finding 8 of issue 10 (HTTP edges), over real sockets: an oversized release form is answered 413
// with a JSON error the client can read (no TCP reset), and the Host check parses the authority
// strictly (host and an optional numeric port, nothing after) and refuses duplicate Host headers.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, type ProxyHarness, startProxyHarness, TOTP } from './proxy/proxy-harness.js';

interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Writes `head` and then `body` (in 64 KiB chunks) on a raw socket; resolves with the answer. */
function rawRequest(
  port: number,
  head: string,
  body: Buffer = Buffer.alloc(0),
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, head: text.slice(0, split), body: text.slice(split + 4) });
    });
    socket.write(head, async () => {
      for (let at = 0; at < body.length && !socket.destroyed; at += 65_536)
        await new Promise<void>((done) =>
          socket.write(body.subarray(at, at + 65_536), () => done()),
        );
    });
  });
}

/** The body of a chunked or plain answer, as JSON. */
function jsonOf(answer: RawAnswer): unknown {
  const chunked = /transfer-encoding: chunked/i.test(answer.head);
  if (!chunked) return JSON.parse(answer.body);
  let text = '';
  let rest = answer.body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!size) return JSON.parse(text);
    text += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

describe('finding 8: HTTP edges (oversized release form, loose Host parsing)', () => {
  let p: ProxyHarness;
  let port: number;

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('admin');
    port = Number(new URL(p.h.url).port);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a release form over 1 MiB is answered 413 with a JSON error, not a TCP reset', async () => {
    const auth = basic(`${await p.cliToken('admin')}.totp.${TOTP}`);
    const body = Buffer.from(`env=${'A'.repeat(3 * 1024 * 1024)}`);
    const answer = await rawRequest(
      port,
      'POST /api/v1/rack-proxy/apps/storefront/releases HTTP/1.1\r\n' +
        `Host: localhost:${port}\r\nAuthorization: ${auth}\r\nAccept: application/json\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\n' +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(answer.status).toBe(413);
    expect(jsonOf(answer)).toMatchObject({ code: 'body_too_large' });
    const health = await fetch(`${p.h.url}/api/v1/health`);
    expect(health.status).toBe(200);
  });

  it('a JSON body over the API limit is answered 413 with a JSON error, not a TCP reset', async () => {
    const body = Buffer.from(JSON.stringify({ device_name: 'x'.repeat(3 * 1024 * 1024) }));
    const answer = await rawRequest(
      port,
      `POST /api/v1/auth/cli/start HTTP/1.1\r\nHost: localhost:${port}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(answer.status).toBe(413);
    expect(jsonOf(answer)).toMatchObject({ error: 'body_too_large' });
  });

  it('a Host with anything after the port (localhost:<port>.evil.example) is 400 invalid_host', async () => {
    const answer = await rawRequest(
      port,
      `GET /api/v1/info HTTP/1.1\r\nHost: localhost:${port}.evil.example\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect(jsonOf(answer)).toMatchObject({ error: 'invalid_host' });
  });

  it('two Host headers are 400 invalid_host, whichever comes first', async () => {
    for (const [first, second] of [
      [`localhost:${port}`, 'evil.example'],
      ['evil.example', `localhost:${port}`],
      [`localhost:${port}`, `localhost:${port}`],
    ]) {
      const answer = await rawRequest(
        port,
        `GET /api/v1/info HTTP/1.1\r\nHost: ${first}\r\nHost: ${second}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(400);
      expect(jsonOf(answer)).toMatchObject({ error: 'invalid_host' });
    }
  });

  it('the public host with its port, or without one, passes the Host check (401: sign in)', async () => {
    for (const host of [`localhost:${port}`, 'localhost', `LOCALHOST.:${port}`]) {
      const answer = await rawRequest(
        port,
        `GET /api/v1/info HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(401);
      expect(jsonOf(answer)).toMatchObject({ error: 'unauthenticated' });
    }
  });
});
