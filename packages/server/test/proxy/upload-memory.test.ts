// A 200 MB object upload streams through the gateway without being buffered (convox-rack-api.md
// §5.2; issue 5 acceptance: RSS growth < 50 MB). The mock rack runs as a child process (it keeps
// the object in its own memory); the gateway runs here and this process's RSS is sampled while the
// body — one reused 64 KiB chunk, generated as a stream — goes through.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { freePort } from '../support/ports.js';
import { signInCli } from '../support/sign-in.js';
import { basic, RACK_PASSWORD } from './proxy-harness.js';

const SIZE = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const LIMIT_GROWTH = 50 * 1024 * 1024;
const MOCK_MAIN = join(import.meta.dirname, '../../../mock-rack/src/main.ts');

function* body(size: number): Generator<Buffer> {
  for (let sent = 0; sent < size; sent += CHUNK.length)
    yield sent + CHUNK.length <= size ? CHUNK : CHUNK.subarray(0, size - sent);
}

async function startRackProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MOCK_MAIN], {
    env: {
      ...process.env,
      MOCK_RACK_PORT: String(port),
      MOCK_RACK_PASSWORD: RACK_PASSWORD,
      MOCK_RACK_TRAFFIC: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/apps`, {
      headers: { authorization: basic(RACK_PASSWORD) },
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return child;
    if (child.exitCode !== null) throw new Error('mock rack process exited');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function upload(
  url: string,
  auth: string,
  size: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}?`,
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/octet-stream',
          'content-length': String(size),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    Readable.from(body(size)).pipe(req);
  });
}

describe('streamed object upload', () => {
  let rack: ChildProcess;
  let h: IdentityHarness;
  let token: string;

  beforeAll(async () => {
    const port = await freePort();
    rack = await startRackProcess(port);
    h = await startIdentityHarness({
      env: { RACK_HOST: `http://127.0.0.1:${port}`, RACK_TOKEN: RACK_PASSWORD },
    });
    token = await signInCli(h.url, 'deployer@example.com');
    // The upload is a step-up route: the deployer has a (stand-in) TOTP method and sends its code.
    const rows = await h.database.db.query<{ id: string }>(
      'SELECT id FROM users WHERE email = $1',
      ['deployer@example.com'],
    );
    h.mfa.enrolled.add(Number(rows[0]?.id));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rack?.kill();
  });

  it('streams 200 MB through with flat gateway memory', async () => {
    const url = `${h.url}/api/v1/rack-proxy/apps/storefront/objects/tmp/big.tgz`;
    const auth = basic(`${token}.totp.${FAKE_TOTP_CODE}`);
    expect((await upload(url, auth, 4 * 1024 * 1024)).status).toBe(200); // warm-up
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const res = await upload(url, auth, SIZE);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ Url: 'object://storefront/tmp/big.tgz' });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(peak - baseline).toBeLessThan(LIMIT_GROWTH);
    const state = (await (
      await fetch(`http://127.0.0.1:${new URL(h.config.rack.connection.url).port}/_mock/state`, {
        headers: { authorization: basic(RACK_PASSWORD) },
      })
    ).json()) as { apps: { name: string; objects: { key: string; size: number }[] }[] };
    const objects = state.apps.find((a) => a.name === 'storefront')?.objects ?? [];
    expect(objects.find((o) => o.key === 'tmp/big.tgz')?.size).toBe(SIZE);
  }, 120_000);
});
