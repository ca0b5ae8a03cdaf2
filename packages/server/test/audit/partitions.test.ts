// A year of a busy rack (audit.md §2.2, issue 16): the event table is partitioned by seq ranges
// that the writer creates ahead of the head; old partitions are archived to the anchor bucket
// (moto, Object Lock) and dropped, and `audit verify` still proves the whole chain from seq 1,
// reading the archived segments back.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnchorBucket } from '../../src/audit/anchors/anchor-bucket.js';
import { writeAnchor } from '../../src/audit/anchors/anchor-writer.js';
import { archivePartitions } from '../../src/audit/archive/archive-partitions.js';
import type { ChainWriter } from '../../src/audit/chain/chain-writer.js';
import type { ChainAuditLog } from '../../src/audit/chain-audit-log.js';
import { chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { verifyAudit, verifyExitCode } from '../../src/audit/verify/verify-audit.js';
import { clientRunner } from '../../src/db/connect.js';
import type { SqlRunner } from '../../src/db/database.js';
import { systemClock } from '../../src/lib/clock.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { motoAvailable, type S3Server, startS3Server } from './s3-server.js';
import { CHAIN, eventCount, KEYRING, makeWriter, nowUs, sampleEvent } from './support.js';

const SPAN = 100;

let tdb: TestDatabase;
let writer: ChainWriter;
let log: ChainAuditLog;

const append = async (n: number, offset = 0) => {
  for (let i = 0; i < n; i += 25)
    await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, (_, j) =>
        log.append(sampleEvent(offset + i + j), { durable: true }),
      ),
    );
};

const partitions = async () =>
  (
    await tdb.db.query<{ name: string; from_seq: string; to_seq: string; n: string }>(
      `SELECT p.name, p.from_seq::text AS from_seq, p.to_seq::text AS to_seq,
         (SELECT count(*) FROM audit.audit_event e WHERE e.seq >= p.from_seq AND e.seq < p.to_seq)::text AS n
       FROM audit.event_partition p ORDER BY p.from_seq`,
    )
  ).map((r) => ({
    from: Number(r.from_seq),
    to: Number(r.to_seq),
    events: Number(r.n),
    name: r.name,
  }));

const headSeq = async () =>
  Number(
    (await tdb.db.query<{ s: string }>('SELECT max(seq)::text AS s FROM audit.audit_event'))[0]?.s,
  );

/** A chain whose first partition is small: the migration's 10M-seq one is replaced first. */
async function chainOverSmallPartitions(events: number): Promise<void> {
  await tdb.db.exec(`DROP TABLE audit.audit_event_0000000000001;
    DELETE FROM audit.event_partition;
    SELECT audit.extend_partitions(${SPAN / 2}, ${SPAN});`);
  await append(events);
}

beforeEach(async () => {
  tdb = await createTestDb();
  writer = makeWriter(tdb.db, {
    batchMaxEvents: 30,
    batch: { chainId: CHAIN, keyring: KEYRING, nowUs, partitionEvents: SPAN },
  });
  log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
});
afterEach(async () => {
  await writer.close(5000);
  await tdb.close();
});

describe('partitioned event table', () => {
  it('creates partitions ahead of the head, and the chain verifies across them', async () => {
    await chainOverSmallPartitions(260);
    const head = await headSeq();
    const parts = await partitions();
    // Once the head passes the middle of the last partition, the next one exists.
    expect(parts.map((p) => p.from)).toEqual([1, 101, 201, 301]);
    expect(parts.map((p) => p.events)).toEqual([100, 100, head - 200, 0]);
    expect(parts.reduce((n, p) => n + p.events, 0)).toBe(await eventCount(tdb.db));
    const report = await verifyAudit({
      db: tdb.db,
      chainId: CHAIN,
      keyring: KEYRING,
      anchors: null,
      now: new Date(),
    });
    expect(report.ok).toBe(true);
    expect(report.checked_events).toBe(head);
  });

  it('the head trigger refuses a multi-row insert whose inner link is broken, all of it', async () => {
    await append(5);
    const head = await headSeq();
    const copy = `INSERT INTO audit.audit_event (chain_id, seq, key_id, previous_hash, ts, occurred_at,
        event_id, actor_type, user_email, user_name, api_token_name, channel, action_type, action,
        resource, resource_type, status, rbac_decision, response_time_ms, ip_address, user_agent,
        request_id, command, details, event_hash)
      SELECT chain_id, seq + $1, key_id, $3, ts,
        occurred_at, gen_random_uuid(), actor_type, user_email, user_name, api_token_name, channel,
        action_type, action, resource, resource_type, status, rbac_decision, response_time_ms,
        ip_address, user_agent, request_id, command, details, event_hash
      FROM audit.audit_event WHERE seq BETWEEN $2 AND $2 + 1`;
    const last = (
      await tdb.db.query<{ h: Uint8Array }>(
        'SELECT event_hash AS h FROM audit.audit_event WHERE seq = $1',
        [head],
      )
    )[0]?.h;
    // Two rows after the head, both linked to the head: the second breaks the inner link.
    await expect(tdb.db.query(copy, [head, 1, last])).rejects.toThrow(/does not extend it/);
    expect(await headSeq()).toBe(head);
  });
});

/** One connection for the archive run (it opens transactions): the migration session. */
async function ownerSession(): Promise<{ session: SqlRunner; close: () => Promise<void> }> {
  if (tdb.url === null) return { session: tdb.db, close: async () => undefined };
  const client = new pg.Client({ connectionString: tdb.url });
  await client.connect();
  return { session: clientRunner(client), close: () => client.end() };
}

describe.skipIf(!motoAvailable())('archiving old partitions to the anchor bucket', () => {
  let s3: S3Server;
  let bucket: AnchorBucket;

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.stop();
  });
  beforeEach(async () => {
    ({ bucket } = await s3.bucket());
  });

  const anchors = () => ({ bucket, prefix: 'anchors/', retentionDays: 30 });
  const verify = (withBucket = true) =>
    verifyAudit({
      db: tdb.db,
      chainId: CHAIN,
      keyring: KEYRING,
      anchors: withBucket ? anchors() : null,
      now: new Date(),
    });

  const archive = async () => {
    const { session, close } = await ownerSession();
    try {
      return await archivePartitions({
        session,
        bucket,
        chainId: CHAIN,
        keyring: KEYRING,
        prefix: 'anchors/',
        retentionDays: 30,
        kmsKeyId: null,
        before: new Date(Date.now() + 60_000),
        now: new Date(),
        segmentEvents: 40,
      });
    } finally {
      await close();
    }
  };

  it('archives every partition behind the head, drops them, and verify still proves seq 1 onwards', async () => {
    await chainOverSmallPartitions(40);
    const anchored = await writeAnchor(
      {
        db: tdb.db,
        bucket,
        audit: log,
        chainId: CHAIN,
        prefix: 'anchors/',
        retentionDays: 30,
        kmsKeyId: null,
        everyEvents: 10_000,
        intervalMinutes: 60,
        gatewayVersion: 'test',
        replicaId: 'a',
        now: () => new Date(),
      },
      'manual',
    );
    expect(anchored.status).toBe('written');
    await append(300, 40);
    const head = await headSeq();
    const done = await archive();
    const archivedTo = Math.floor(head / SPAN) * SPAN;
    expect(done.map((p) => [p.firstSeq, p.lastSeq])).toEqual(
      Array.from({ length: archivedTo / SPAN }, (_, i) => [i * SPAN + 1, (i + 1) * SPAN]),
    );
    expect(done.every((p) => p.segments === 3)).toBe(true);
    const left = (
      await tdb.db.query<{ s: string }>('SELECT min(seq)::text AS s FROM audit.audit_event')
    )[0];
    expect(Number(left?.s)).toBe(archivedTo + 1);
    const report = await verify();
    expect(report.first_break).toBeNull();
    expect(verifyExitCode(report)).toBe(0);
    expect(report.checked_events).toBe(head);
    expect(report.archived).toEqual({
      segments: done.length * 3,
      to_seq: archivedTo,
      checked_events: archivedTo,
    });
    expect(report.anchors).toMatchObject({ checked: 1, mismatches: 0, truncated: false });
    // Appending goes on after archiving, and a second run has nothing new behind the head.
    await append(10, 400);
    expect(verifyExitCode(await verify())).toBe(0);
  });

  it('a segment removed from the ledger is a gap; without the bucket verify is inconclusive', async () => {
    await chainOverSmallPartitions(250);
    await archive();
    const noBucket = await verify(false);
    expect(verifyExitCode(noBucket)).toBe(3);
    expect(noBucket.inconclusive).toMatch(/archived in the anchor bucket/);
    await tdb.db.exec(`ALTER TABLE audit.archive DISABLE TRIGGER USER;
      DELETE FROM audit.archive WHERE first_seq = 41;
      ALTER TABLE audit.archive ENABLE TRIGGER USER;`);
    const report = await verify();
    expect(verifyExitCode(report)).toBe(1);
    expect(report.first_break).toMatchObject({ seq: 41, reason: 'gap' });
  });

  it('the owner function drops only partitions the archive covers, never the head one', async () => {
    await chainOverSmallPartitions(150);
    const parts = await partitions();
    await expect(
      tdb.db.query('SELECT audit.drop_archived_partition($1)', [parts[0]?.name]),
    ).rejects.toThrow(/holds 100 events that no archive covers/);
    await expect(
      tdb.db.query('SELECT audit.drop_archived_partition($1)', [parts[1]?.name]),
    ).rejects.toThrow(/holds a chain head/);
    expect(await eventCount(tdb.db)).toBe(await headSeq());
  });
});
