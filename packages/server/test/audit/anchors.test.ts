// audit.md §14-15 against a real S3-compatible server (moto, Object Lock enabled): the put request
// carries If-None-Match, COMPLIANCE retention and the SHA-256 checksum; anchors link through the
// ledger; a 412 with another checksum is an alert; truncation past an anchor is detected.
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnchorBucket, createAnchorBucket } from '../../src/audit/anchors/anchor-bucket.js';
import { anchorKey, sha256 } from '../../src/audit/anchors/anchor-payload.js';
import { AnchorService, ObjectLockMissingError } from '../../src/audit/anchors/anchor-service.js';
import {
  AnchorConflictError,
  type AnchorContext,
  writeAnchor,
} from '../../src/audit/anchors/anchor-writer.js';
import type { ChainWriter } from '../../src/audit/chain/chain-writer.js';
import { readHead } from '../../src/audit/chain/head.js';
import { ChainTruncatedError } from '../../src/audit/chain/head-witness.js';
import { type ChainAuditLog, chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { verifyAudit, verifyExitCode } from '../../src/audit/verify/verify-audit.js';
import { systemClock } from '../../src/lib/clock.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';
import { motoAvailable, S3_CREDENTIALS, type S3Server, startS3Server } from './s3-server.js';
import { CHAIN, KEYRING, makeWriter, sampleEvent, tamper } from './support.js';

const enabled = motoAvailable();

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A pass-through HTTP proxy in front of moto that records every request line and header. */
function recordingProxy(target: URL, seen: Recorded[]): Promise<{ server: Server; url: URL }> {
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        server,
        url: new URL(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`),
      });
    }),
  );
}

describe.skipIf(!enabled)('S3 Object Lock anchors', () => {
  let s3: S3Server;
  let tdb: TestDatabase;
  let writer: ChainWriter;
  let log: ChainAuditLog;
  let bucket: AnchorBucket;
  let bucketName: string;
  let now = new Date('2026-03-04T05:06:07.000Z');

  const ctx = (overrides: Partial<AnchorContext> = {}): AnchorContext => ({
    db: tdb.db,
    bucket,
    audit: log,
    chainId: CHAIN,
    prefix: 'anchors/',
    retentionDays: 400,
    kmsKeyId: null,
    everyEvents: 10_000,
    intervalMinutes: 60,
    gatewayVersion: 'test',
    replicaId: 'replica-a',
    now: () => now,
    ...overrides,
  });

  const appendMany = async (n: number, offset = 0) => {
    for (let i = 0; i < n; i++) await log.append(sampleEvent(offset + i), { durable: true });
  };

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.stop();
  });
  beforeEach(async () => {
    tdb = await createTestDb();
    writer = makeWriter(tdb.db);
    log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
    ({ bucket, name: bucketName } = await s3.bucket());
    now = new Date('2026-03-04T05:06:07.000Z');
  });
  afterEach(async () => {
    await writer.close(5000);
    await tdb.close();
  });

  it('puts the anchor with If-None-Match, COMPLIANCE retention and its SHA-256 checksum', async () => {
    const seen: Recorded[] = [];
    const proxy = await recordingProxy(new URL(s3.endpoint), seen);
    try {
      const viaProxy = createAnchorBucket(
        {
          bucket: bucketName,
          prefix: 'anchors/',
          intervalMinutes: 60,
          everyEvents: 10_000,
          retentionDays: 400,
          kmsKeyId: null,
          requireObjectLock: true,
          endpoint: proxy.url,
          forcePathStyle: true,
          region: 'us-east-1',
        },
        S3_CREDENTIALS,
      );
      await appendMany(3);
      const outcome = await writeAnchor(ctx({ bucket: viaProxy }), 'manual');
      expect(outcome.status).toBe('written');
      expect(outcome.key).toBe(
        `anchors/${CHAIN}/2026/03/04/anchor-00000000000000000004-20260304T050607Z.json`,
      );
      const put = seen.find((r) => r.method === 'PUT');
      expect(put?.headers['if-none-match']).toBe('*');
      expect(put?.headers['x-amz-object-lock-mode']).toBe('COMPLIANCE');
      expect(
        new Date(String(put?.headers['x-amz-object-lock-retain-until-date'])).toISOString(),
      ).toBe('2027-04-08T05:06:07.000Z');
      const body = await bucket.get(outcome.key ?? '');
      expect(put?.headers['x-amz-checksum-sha256']).toBe(sha256(body).toString('base64'));
      expect(put?.headers['content-type']).toBe('application/json');
      const info = await bucket.head(outcome.key ?? '');
      expect(info?.lockMode).toBe('COMPLIANCE');
      expect(info?.checksumSha256).toBe(sha256(body).toString('base64'));
    } finally {
      proxy.server.close();
    }
  });

  it('links each anchor to the exact bytes of the previous one, from the ledger', async () => {
    await appendMany(2);
    const first = await writeAnchor(ctx(), 'startup');
    await appendMany(2, 10);
    now = new Date(now.getTime() + 3_600_000);
    const second = await writeAnchor(ctx(), 'hourly');
    const firstBytes = await bucket.get(first.key ?? '');
    const secondBody = JSON.parse((await bucket.get(second.key ?? '')).toString('utf8'));
    expect(Object.keys(secondBody)).toEqual([
      'version',
      'chain_id',
      'seq',
      'event_hash',
      'event_ts',
      'key_id',
      'anchored_at',
      'trigger',
      'events_since_previous',
      'previous_anchor',
      'gateway_version',
      'replica_id',
    ]);
    expect(secondBody.previous_anchor).toEqual({
      key: first.key,
      sha256: sha256(firstBytes).toString('hex'),
    });
    expect(secondBody).toMatchObject({
      version: 1,
      chain_id: CHAIN,
      trigger: 'hourly',
      events_since_previous: 3,
    });
    expect(JSON.parse(firstBytes.toString('utf8')).previous_anchor).toBeNull();
    expect(firstBytes.toString('utf8').endsWith('}\n')).toBe(true);
  });

  it('treats a 412 with another checksum as an alert, and a duplicate hourly trigger as covered', async () => {
    await appendMany(2);
    expect((await writeAnchor(ctx(), 'manual')).status).toBe('written');
    expect((await writeAnchor(ctx(), 'hourly')).status).toBe('skipped');
    await expect.poll(() => writer.queueLength()).toBe(0);
    const head = await readHead(tdb.db, CHAIN);
    now = new Date(now.getTime() + 60_000);
    const key = anchorKey('anchors/', CHAIN, head?.seq ?? 0, now);
    await s3.client().send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: 'forged' }));
    const service = new AnchorService(ctx(), silentLogger);
    await expect(service.run('manual')).rejects.toBeInstanceOf(AnchorConflictError);
    await writer.close(5000);
    const events = await tdb.db.query<{ status: string }>(
      `SELECT e.status FROM audit.audit_event e WHERE e.action = 'audit.anchor.write' ORDER BY e.seq`,
    );
    expect(events.map((r) => r.status)).toEqual(['success', 'alert']);
  });

  it('refuses a bucket without Object Lock unless the requirement is turned off', async () => {
    const plain = await s3.bucket({ lock: false });
    const service = new AnchorService(ctx({ bucket: plain.bucket }), silentLogger);
    await expect(service.checkObjectLock(true)).rejects.toBeInstanceOf(ObjectLockMissingError);
    await expect(service.checkObjectLock(false)).resolves.toBeUndefined();
    await expect(
      new AnchorService(ctx(), silentLogger).checkObjectLock(true),
    ).resolves.toBeUndefined();
  });

  it('verifies anchors, and reports truncation when the newest events are deleted past an anchor', async () => {
    await appendMany(20);
    await writeAnchor(ctx(), 'manual');
    await writer.close(5000);
    const run = () =>
      verifyAudit({
        db: tdb.db,
        chainId: CHAIN,
        keyring: KEYRING,
        anchors: { bucket, prefix: 'anchors/', retentionDays: 400 },
        now: new Date(),
      });
    const intact = await run();
    expect(intact).toMatchObject({
      ok: true,
      anchors: { checked: 1, latest_seq: 21, mismatches: 0, truncated: false },
    });
    expect(verifyExitCode(intact)).toBe(0);
    await tamper(tdb.db, 'DELETE FROM audit.audit_event WHERE seq > 12');
    const report = await run();
    expect(report.first_break).toMatchObject({ seq: 13, reason: 'truncated' });
    expect(report.anchors?.truncated).toBe(true);
    expect(verifyExitCode(report)).toBe(1);
  });

  it('finding 2: never anchors a head that went backwards (the cut tail is not vouched for)', async () => {
    await appendMany(10);
    await writer.close(5000);
    await tamper(tdb.db, 'DELETE FROM audit.audit_event WHERE seq > 6');
    await expect(writeAnchor(ctx(), 'manual')).rejects.toBeInstanceOf(ChainTruncatedError);
    expect(await tdb.db.query('SELECT 1 FROM audit.anchor')).toHaveLength(0);
  });

  it('writes an every-N anchor from the commit listener', async () => {
    const service = new AnchorService(ctx({ everyEvents: 5 }), silentLogger);
    writer.onCommit((r) => service.onCommitted(r));
    await appendMany(6);
    await expect
      .poll(async () => (await tdb.db.query('SELECT 1 FROM audit.anchor')).length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await service.close();
  });
});
