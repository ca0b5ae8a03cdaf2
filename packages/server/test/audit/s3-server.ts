// A real S3-compatible server for the anchor suites: moto's server mode (installed by .ci/run from
// PyPI). It honours Object Lock configuration, COMPLIANCE retention, If-None-Match and stored
// SHA-256 checksums (docs/audit.md, "Test S3 server"). Without it the suites are skipped loudly, unless
// REQUIRE_S3=1 (CI), which turns a missing server into a failure.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { type AnchorBucket, createAnchorBucket } from '../../src/audit/anchors/anchor-bucket.js';

export const S3_CREDENTIALS = { accessKeyId: 'rgw-test', secretAccessKey: 'rgw-test-secret' };

export interface S3Server {
  readonly endpoint: string;
  client(): S3Client;
  /** Creates a bucket (with Object Lock unless `lock` is false) and returns the gateway's view. */
  bucket(options?: {
    lock?: boolean;
    prefix?: string;
  }): Promise<{ name: string; bucket: AnchorBucket }>;
  stop(): Promise<void>;
}

export function motoAvailable(): boolean {
  const ok = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.REQUIRE_S3 === '1') {
    throw new Error('REQUIRE_S3=1 but moto_server is not installed (pip install "moto[server]")');
  }
  if (!ok)
    process.stderr.write('\n*** moto_server is not installed: S3 anchor tests are SKIPPED ***\n\n');
  return ok;
}

/** A free port on 127.0.0.1 for moto (it cannot report one it picked itself). */
function motoPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(endpoint);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('moto_server did not start within 30 s');
}

export async function startS3Server(): Promise<S3Server> {
  const port = await motoPort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child);
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
  });
  return {
    endpoint,
    client: () => client,
    async bucket(options = {}) {
      const name = `rgw-anchors-${randomBytes(4).toString('hex')}`;
      await client.send(
        new CreateBucketCommand({
          Bucket: name,
          ObjectLockEnabledForBucket: options.lock !== false,
        }),
      );
      const bucket = createAnchorBucket(
        {
          bucket: name,
          prefix: options.prefix ?? '',
          intervalMinutes: 60,
          everyEvents: 10_000,
          retentionDays: 400,
          kmsKeyId: null,
          requireObjectLock: true,
          endpoint: new URL(endpoint),
          forcePathStyle: true,
          region: 'us-east-1',
        },
        S3_CREDENTIALS,
      );
      return { name, bucket };
    },
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
