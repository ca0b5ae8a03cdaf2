// Golden tests of the wire encoding: for the convox CLI commands of convox-rack-api.md §8, the
// request line, protocol headers and body our client sends must be exactly those of the native
// client. Captured on a raw TCP server. Differences by design (§2.1): our User-Agent and Accept.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { RackClient } from '../src/index.js';
import {
  type CapturedRequest,
  type CaptureServer,
  startCaptureServer,
} from './support/capture-server.js';

let server: CaptureServer;
let client: RackClient;
const PASSWORD = 's3cr3t/pass+word';
const AUTH = `Basic ${Buffer.from('convox:s3cr3t%2Fpass+word').toString('base64')}`;

beforeAll(async () => {
  server = await startCaptureServer();
  client = new RackClient({
    url: `http://convox:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}/api/v1/rack-proxy`,
    version: '1.2.3',
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

interface Golden {
  readonly requestLine: string;
  /** Protocol headers with their exact values. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Headers every request carries besides the protocol ones. */
const COMMON = ['host', 'connection', 'user-agent', 'version', 'authorization'];

function expectWire(request: CapturedRequest | undefined, golden: Golden, extra: string[] = []) {
  expect(request?.requestLine).toBe(golden.requestLine);
  for (const [name, value] of Object.entries(golden.headers))
    expect(request?.header(name), name).toBe(value);
  expect(request?.header('authorization')).toBe(AUTH);
  expect(request?.header('user-agent')).toBe('rack-gateway/1.2.3');
  expect(request?.header('version')).toBe('1.2.3');
  const names = (request?.headerLines ?? []).map((l) => l.split(':')[0]?.toLowerCase()).sort();
  const expected = [
    ...COMMON,
    ...extra,
    ...Object.keys(golden.headers).map((h) => h.toLowerCase()),
  ];
  expect(names).toEqual([...new Set(expected)].sort());
  expect(request?.body.toString('utf8')).toBe(golden.body ?? '');
}

const JSON_GET = { Accept: 'application/json', 'Content-Type': 'application/octet-stream' };
const FORM = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };

async function answered(status: number, type: string, body: string, call: () => Promise<unknown>) {
  server.respond(status, type, body);
  await call().catch(() => undefined);
  return server.requests.at(-1);
}

it('convox apps / rack / ps / builds: GET with the trailing ? and octet-stream', async () => {
  const r1 = await answered(200, 'application/json', '[]\n', () => client.listApps());
  expectWire(r1, { requestLine: 'GET /api/v1/rack-proxy/apps? HTTP/1.1', headers: JSON_GET });
  const r2 = await answered(200, 'application/json', '{}\n', () => client.getSystem());
  expectWire(r2, { requestLine: 'GET /api/v1/rack-proxy/system? HTTP/1.1', headers: JSON_GET });
  const r3 = await answered(200, 'application/json', '[]\n', () =>
    client.listProcesses('storefront'),
  );
  expect(r3?.requestLine).toBe('GET /api/v1/rack-proxy/apps/storefront/processes? HTTP/1.1');
});

it('convox env set: releases?limit=1, then the full env as one form value', async () => {
  const list = await answered(200, 'application/json', '[]\n', () =>
    client.listReleases('storefront', { limit: 1 }),
  );
  expect(list?.requestLine).toBe(
    'GET /api/v1/rack-proxy/apps/storefront/releases?limit=1 HTTP/1.1',
  );
  const body = 'env=A%3D1%0AB%3Dx+y&parent-release=R1';
  const post = await answered(200, 'application/json', '{}\n', () =>
    client.createRelease('storefront', { env: 'A=1\nB=x y', parentRelease: 'R1' }),
  );
  expectWire(post, {
    requestLine: 'POST /api/v1/rack-proxy/apps/storefront/releases? HTTP/1.1',
    headers: { ...FORM, 'Content-Length': String(body.length) },
    body,
  });
});

it('convox releases promote: force is always sent', async () => {
  const r = await answered(200, 'text/plain', 'ok\n', () =>
    client.promoteRelease('storefront', 'RSTOREFAAAD'),
  );
  expectWire(r, {
    requestLine: 'POST /api/v1/rack-proxy/apps/storefront/releases/RSTOREFAAAD/promote? HTTP/1.1',
    headers: { ...FORM, 'Content-Length': '11' },
    body: 'force=false',
  });
});

it('convox scale web --count 3 --cpu 256 --memory 512', async () => {
  const r = await answered(200, 'text/plain', 'ok\n', () =>
    client.updateService('storefront', 'web', { count: 3, cpu: 256, memory: 512 }),
  );
  expectWire(r, {
    requestLine: 'PUT /api/v1/rack-proxy/apps/storefront/services/web? HTTP/1.1',
    headers: { ...FORM, 'Content-Length': '26' },
    body: 'count=3&cpu=256&memory=512',
  });
});

it('convox restart: POST per service with an empty body', async () => {
  const r = await answered(200, 'text/plain', 'ok\n', () =>
    client.restartService('storefront', 'web'),
  );
  expectWire(r, {
    requestLine: 'POST /api/v1/rack-proxy/apps/storefront/services/web/restart? HTTP/1.1',
    headers: { ...JSON_GET, 'Content-Length': '0' },
  });
});

it('convox run web: the keepalive process with header options and no body', async () => {
  const r = await answered(200, 'application/json', '{}\n', () =>
    client.runProcess('storefront', 'web', { command: 'sleep 3600', height: 40, width: 120 }),
  );
  expectWire(r, {
    requestLine: 'POST /api/v1/rack-proxy/apps/storefront/services/web/processes? HTTP/1.1',
    headers: {
      ...JSON_GET,
      'Content-Length': '0',
      Command: 'sleep 3600',
      Height: '40',
      Width: '120',
    },
  });
});

it('convox deploy: raw object upload then the build form', async () => {
  const upload = await answered(
    200,
    'application/json',
    '{"Url":"object://storefront/tmp/a.tgz"}\n',
    () =>
      client.uploadObject('storefront', Readable.from([Buffer.from('archive')]), { name: 'a.tgz' }),
  );
  expectWire(upload, {
    requestLine: 'POST /api/v1/rack-proxy/apps/storefront/objects/tmp/a.tgz? HTTP/1.1',
    headers: { ...JSON_GET, 'Transfer-Encoding': 'chunked' },
    body: 'archive',
  });
  const sha = '1a2b3c4d5e'.repeat(4);
  const body = `description=build+1a2b3c4d5e+Ship+it%21&git-sha=${sha}&url=object%3A%2F%2Fstorefront%2Ftmp%2Fa.tgz`;
  const build = await answered(200, 'application/json', '{}\n', () =>
    client.createBuild('storefront', {
      url: 'object://storefront/tmp/a.tgz',
      description: 'build 1a2b3c4d5e Ship it!',
      gitSha: sha,
    }),
  );
  expectWire(build, {
    requestLine: 'POST /api/v1/rack-proxy/apps/storefront/builds? HTTP/1.1',
    headers: { ...FORM, 'Content-Length': String(body.length) },
    body,
  });
});

const SOCKET = ['upgrade', 'sec-websocket-key', 'sec-websocket-version', 'origin'];

it('convox exec / run attach: the handshake carries options as headers, no query', async () => {
  const r = await answered(403, 'text/plain', 'no\n', () =>
    client.exec('storefront', 'web-abcde', 'exit 3', {
      entrypoint: true,
      height: 24,
      width: 80,
      tty: false,
    }),
  );
  expectWire(
    r,
    {
      requestLine: 'GET /api/v1/rack-proxy/apps/storefront/processes/web-abcde/exec HTTP/1.1',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        Origin: `http://127.0.0.1:${server.port}`,
        'Sec-WebSocket-Version': '13',
        Command: 'exit 3',
        Entrypoint: 'true',
        Height: '24',
        Width: '80',
        Tty: 'false',
      },
    },
    SOCKET,
  );
  expect(r?.header('sec-websocket-extensions')).toBeUndefined();
  expect(r?.header('sec-websocket-protocol')).toBeUndefined();
});

it('convox logs --no-follow --since 2m: Prefix, Follow and Since headers', async () => {
  const r = await answered(403, 'text/plain', 'no\n', () =>
    client.appLogs('storefront', { prefix: true, follow: false, since: 120_000 }),
  );
  expectWire(
    r,
    {
      requestLine: 'GET /api/v1/rack-proxy/apps/storefront/logs HTTP/1.1',
      headers: { Prefix: 'true', Follow: 'false', Since: '2m0s', Connection: 'Upgrade' },
    },
    ['upgrade', ...SOCKET],
  );
});
