// cli.md §10 and convox-rack-api.md §1.7: the CLI verifies the gateway's certificate; a failure
// names the host and reason and mentions RACK_GATEWAY_INSECURE_TLS=1 (development only), which
// disables the check with a warning on every run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/fixtures.js';
import { runCli } from './support/run-cli.js';

function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = tempDir();
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

const pair = selfSigned();

describe.skipIf(pair === undefined)('TLS verification', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(pair ?? {}, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = () => ({
    RACK_GATEWAY_CONFIG_DIR: tempDir(),
    RACK_GATEWAY_URL: url,
    RACK_GATEWAY_API_TOKEN: 'rgw_t',
  });

  it('refuses a self-signed certificate (exit 7) with the development hint', async () => {
    const res = await runCli(['apps'], { env: env() });
    expect(res.code).toBe(7);
    expect(res.stderr).toMatch(/^Error: TLS verification failed for 127\.0\.0\.1:\d+: .+\n/);
    expect(res.stderr).toContain('Hint: For local development only, RACK_GATEWAY_INSECURE_TLS=1');
  });

  it('RACK_GATEWAY_INSECURE_TLS=1 skips the check and warns', async () => {
    const res = await runCli(['apps'], { env: { ...env(), RACK_GATEWAY_INSECURE_TLS: '1' } });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('APP  STATUS  RELEASE\n');
    expect(res.stderr).toContain('Warning: TLS certificate verification is disabled');
  });
});
