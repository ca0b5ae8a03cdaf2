// Archiving old partitions of the event table (audit.md §2.2): the oldest partitions whose every
// event is older than the cut-off are written to the anchor bucket as gzip JSON Lines segments
// (COMPLIANCE retention, SHA-256 checksum, read back before they count), each recorded in the
// append-only `audit.archive` ledger with its seq range and boundary hashes; then the partition is
// dropped by the owner's `audit.drop_archived_partition`, which refuses while any of its events is
// not covered by the ledger. Every event is checked against the chain while it is read, so a
// tampered range is never archived as if it were intact. A run that stops half-way resumes after
// the last recorded segment.
import type { SqlRunner } from '../../db/database.js';
import { asAuditOwner } from '../../db/migrate.js';
import type { AnchorBucket } from '../anchors/anchor-bucket.js';
import { sha256 } from '../anchors/anchor-payload.js';
import { genesisHash } from '../chain/encoding.js';
import type { StoredEvent } from '../chain/event-fields.js';
import type { AuditKeyring } from '../chain/keys.js';
import { EVENT_SELECT, rowToEvent } from '../store/event-rows.js';
import { checkEvent, type Previous } from '../verify/verify-chain.js';
import { encodeSegment } from './archive-format.js';
import { lastArchived } from './archive-ledger.js';

export const DEFAULT_SEGMENT_EVENTS = 50_000;
const DAY_MS = 86_400_000;

export interface ArchiveOptions {
  /** The migration session (DATABASE_MIGRATION_URL): only the audit owner may drop partitions. */
  readonly session: SqlRunner;
  readonly bucket: AnchorBucket;
  readonly chainId: string;
  readonly keyring: AuditKeyring;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly kmsKeyId: string | null;
  /** Partitions whose newest event is older than this are archived. */
  readonly before: Date;
  readonly now: Date;
  readonly segmentEvents?: number;
  readonly dryRun?: boolean;
  readonly progress?: (line: string) => void;
}

export interface ArchivedPartition {
  readonly name: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly segments: number;
}

export class ArchiveError extends Error {}

interface Candidate {
  readonly name: string;
  readonly fromSeq: number;
  readonly toSeq: number;
}

/** The leading run of partitions entirely behind the head and older than `before`. */
async function candidates(o: ArchiveOptions): Promise<Candidate[]> {
  const rows = await o.session.query<{
    name: string;
    from_seq: string;
    to_seq: string;
    newest: Date | null;
    head: string | null;
  }>(
    `SELECT p.name, p.from_seq::text AS from_seq, p.to_seq::text AS to_seq,
       (SELECT max(e.ts) FROM audit.audit_event e WHERE e.seq >= p.from_seq AND e.seq < p.to_seq) AS newest,
       (SELECT h.seq::text FROM audit.chain_head h WHERE h.chain_id = $1) AS head
     FROM audit.event_partition p ORDER BY p.from_seq`,
    [o.chainId],
  );
  const out: Candidate[] = [];
  for (const r of rows) {
    const behindHead = Number(r.to_seq) <= Number(r.head ?? 0);
    if (!behindHead || r.newest === null || new Date(r.newest) >= o.before) break;
    out.push({ name: r.name, fromSeq: Number(r.from_seq), toSeq: Number(r.to_seq) });
  }
  return out;
}

const pad = (n: number): string => String(n).padStart(20, '0');

/** Where a segment lives: beside the chain's anchors, never under their prefix. */
export const segmentKey = (prefix: string, chainId: string, first: number, last: number): string =>
  `${prefix}${chainId}.archive/segment-${pad(first)}-${pad(last)}.jsonl.gz`;

async function readRange(
  session: SqlRunner,
  chainId: string,
  from: number,
  toExclusive: number,
): Promise<StoredEvent[]> {
  const rows = await session.query(
    `SELECT ${EVENT_SELECT} FROM audit.audit_event e
     WHERE e.chain_id = $1 AND e.seq >= $2 AND e.seq < $3 ORDER BY e.seq`,
    [chainId, from, toExclusive],
  );
  return rows.map(rowToEvent);
}

function checkSegment(
  events: readonly StoredEvent[],
  start: Previous | null,
  o: ArchiveOptions,
): Previous | null {
  let prev = start;
  for (const e of events) {
    const broken = checkEvent(e, prev, genesisHash(o.chainId), o.keyring);
    if (broken !== null)
      throw new ArchiveError(
        `seq ${broken.seq} breaks the chain (${broken.reason}: ${broken.detail}); nothing from it ` +
          'on is archived. Run `rack-gateway-server audit verify` and keep this database as evidence.',
      );
    prev = { seq: e.seq, hash: e.eventHash, tsUs: e.tsUs };
  }
  return prev;
}

async function uploadSegment(o: ArchiveOptions, key: string, body: Buffer): Promise<void> {
  const retainUntil = new Date(o.now.getTime() + o.retentionDays * DAY_MS);
  const digest = sha256(body);
  const put = await o.bucket.put(key, body, {
    retainUntil,
    checksumSha256: digest.toString('base64'),
    kmsKeyId: o.kmsKeyId,
  });
  const stored = await o.bucket.get(key);
  if (!sha256(stored).equals(digest))
    throw new ArchiveError(
      put === 'exists'
        ? `${key} already exists in the bucket with other bytes: refusing to record it`
        : `${key} reads back with other bytes than were written`,
    );
}

async function recordSegment(
  o: ArchiveOptions,
  events: readonly StoredEvent[],
  key: string,
  body: Buffer,
): Promise<void> {
  const first = events[0];
  const last = events[events.length - 1];
  if (first === undefined || last === undefined) return;
  const retainUntil = new Date(o.now.getTime() + o.retentionDays * DAY_MS);
  await asAuditOwner(o.session, `recording ${key}`, async () => {
    await o.session.query(
      `INSERT INTO audit.archive (chain_id, first_seq, last_seq, events, first_ts, last_ts,
         previous_hash, last_hash, bucket, key, sha256, bytes, retain_until)
       VALUES ($1, $2, $3, $4, to_timestamp($5::double precision / 1000000),
         to_timestamp($6::double precision / 1000000), $7, $8, $9, $10, $11, $12, $13)`,
      [
        o.chainId,
        first.seq,
        last.seq,
        events.length,
        first.tsUs,
        last.tsUs,
        first.previousHash,
        last.eventHash,
        o.bucket.name,
        key,
        sha256(body),
        body.length,
        retainUntil,
      ],
    );
  });
}

async function archivePartition(
  o: ArchiveOptions,
  part: Candidate,
  start: Previous | null,
): Promise<{ prev: Previous | null; segments: number }> {
  const size = o.segmentEvents ?? DEFAULT_SEGMENT_EVENTS;
  let prev = start;
  let segments = 0;
  for (let from = Math.max(part.fromSeq, (prev?.seq ?? 0) + 1); from < part.toSeq; from += size) {
    const events = await readRange(o.session, o.chainId, from, Math.min(from + size, part.toSeq));
    if (events.length === 0) break;
    prev = checkSegment(events, prev, o);
    const last = events[events.length - 1]?.seq ?? from;
    const key = segmentKey(o.prefix, o.chainId, from, last);
    const body = encodeSegment(events);
    await uploadSegment(o, key, body);
    await recordSegment(o, events, key, body);
    segments += 1;
    o.progress?.(`  ${key}: seq ${from}–${last}, ${body.length} bytes`);
  }
  return { prev, segments };
}

async function dropPartition(session: SqlRunner, name: string): Promise<void> {
  await asAuditOwner(session, `dropping ${name}`, async () => {
    await session.query('SELECT audit.drop_archived_partition($1)', [name]);
  });
}

/** Archives every eligible partition, oldest first; returns what was (or, dry, would be) done. */
export async function archivePartitions(o: ArchiveOptions): Promise<ArchivedPartition[]> {
  const parts = await candidates(o);
  if (o.dryRun === true)
    return parts.map((p) => ({
      name: p.name,
      firstSeq: p.fromSeq,
      lastSeq: p.toSeq - 1,
      segments: 0,
    }));
  let prev = await lastArchived(o.session, o.chainId);
  const done: ArchivedPartition[] = [];
  for (const part of parts) {
    o.progress?.(`archiving ${part.name} (seq ${part.fromSeq}–${part.toSeq - 1})`);
    const result = await archivePartition(o, part, prev);
    prev = result.prev;
    await dropPartition(o.session, part.name);
    done.push({
      name: part.name,
      firstSeq: part.fromSeq,
      lastSeq: part.toSeq - 1,
      segments: result.segments,
    });
  }
  return done;
}
