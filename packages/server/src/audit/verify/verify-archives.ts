// Verifying archived events (audit.md §2.2, §15): every segment in the archive ledger is read back
// from the bucket, compared with the SHA-256 the ledger recorded, and walked event by event with
// the same checks as the database walk, continuing one chain from seq 1 across segments and into
// the database. One segment is in memory at a time. The hashes at the ledger's anchor seqs are kept
// so the anchor check can compare anchors that point into archived ranges.
import type { SqlRunner } from '../../db/database.js';
import type { AnchorBucket } from '../anchors/anchor-bucket.js';
import { sha256 } from '../anchors/anchor-payload.js';
import { ArchiveFormatError, decodeSegment } from '../archive/archive-format.js';
import { type ArchiveSegment, archiveSegments } from '../archive/archive-ledger.js';
import { genesisHash } from '../chain/encoding.js';
import type { StoredEvent } from '../chain/event-fields.js';
import type { AuditKeyring } from '../chain/keys.js';
import { type ChainBreak, checkEvent, type Previous } from './verify-chain.js';

export interface ArchiveWalk {
  /** The last archived seq (0: nothing archived). */
  readonly archivedTo: number;
  readonly segments: number;
  readonly checkedEvents: number;
  /** The last archived event, which the database's first event must extend. */
  readonly end: Previous | null;
  readonly firstBreak: ChainBreak | null;
  /** Why the archives could not be read at all (no bucket configured). */
  readonly unreadable: string | null;
  /** Whether the segments were read back (false: the walk starts after them). */
  readonly walked: boolean;
  /** Event hashes (hex) at the requested seqs inside archived ranges. */
  readonly hashesAt: ReadonlyMap<number, string>;
}

export interface ArchiveWalkOptions {
  readonly db: SqlRunner;
  readonly bucket: AnchorBucket | null;
  readonly chainId: string;
  readonly keyring: AuditKeyring;
  readonly wanted: ReadonlySet<number>;
  /** Where the verification starts: archives wholly before it are not read back. */
  readonly from: number;
}

const mismatch = (seq: number, detail: string): ChainBreak => ({
  seq,
  reason: 'archive_mismatch',
  detail,
});

/** The segment's bytes, if they are the ones the ledger recorded. */
async function readSegment(bucket: AnchorBucket, s: ArchiveSegment): Promise<Buffer | ChainBreak> {
  let body: Buffer;
  try {
    body = await bucket.get(s.key);
  } catch (e) {
    return mismatch(s.firstSeq, `${s.key} cannot be read from the bucket: ${(e as Error).message}`);
  }
  if (!sha256(body).equals(s.sha256))
    return mismatch(s.firstSeq, `${s.key} differs from the SHA-256 the archive ledger recorded`);
  return body;
}

interface Walking {
  prev: Previous | null;
  checked: number;
  readonly hashesAt: Map<number, string>;
}

function walkEvents(
  events: Iterable<StoredEvent>,
  s: ArchiveSegment,
  state: Walking,
  o: ArchiveWalkOptions,
): ChainBreak | null {
  const genesis = genesisHash(o.chainId);
  for (const e of events) {
    if (e.seq > s.lastSeq) return mismatch(e.seq, `${s.key} holds events beyond seq ${s.lastSeq}`);
    const broken = checkEvent(e, state.prev, genesis, o.keyring);
    if (broken !== null) return broken;
    if (o.wanted.has(e.seq)) state.hashesAt.set(e.seq, e.eventHash.toString('hex'));
    state.prev = { seq: e.seq, hash: e.eventHash, tsUs: e.tsUs };
    state.checked += 1;
  }
  return null;
}

/** Walks one segment; it must hold exactly the seq range its ledger row names. */
function walkSegment(
  body: Buffer,
  s: ArchiveSegment,
  state: Walking,
  o: ArchiveWalkOptions,
): ChainBreak | null {
  try {
    const broken = walkEvents(decodeSegment(body), s, state, o);
    if (broken !== null) return broken;
  } catch (e) {
    if (e instanceof ArchiveFormatError) return mismatch(s.firstSeq, `${s.key}: ${e.message}`);
    throw e;
  }
  return state.prev?.seq === s.lastSeq
    ? null
    : mismatch(s.firstSeq, `${s.key} does not hold seq ${s.firstSeq}–${s.lastSeq}`);
}

export async function walkArchives(o: ArchiveWalkOptions): Promise<ArchiveWalk> {
  const segments = await archiveSegments(o.db, o.chainId);
  const archivedTo = segments[segments.length - 1]?.lastSeq ?? 0;
  const state: Walking = { prev: null, checked: 0, hashesAt: new Map() };
  const result = (
    firstBreak: ChainBreak | null,
    unreadable: string | null = null,
    walked = true,
  ): ArchiveWalk => ({
    archivedTo,
    walked,
    segments: segments.length,
    checkedEvents: state.checked,
    end: state.prev,
    firstBreak,
    unreadable,
    hashesAt: state.hashesAt,
  });
  if (segments.length === 0) return result(null);
  const last = segments[segments.length - 1];
  if (last !== undefined && o.from > archivedTo) {
    state.prev = { seq: last.lastSeq, hash: last.lastHash, tsUs: last.lastTsUs };
    return result(null, null, false);
  }
  if (o.bucket === null) {
    if (last !== undefined)
      state.prev = { seq: last.lastSeq, hash: last.lastHash, tsUs: last.lastTsUs };
    return result(
      null,
      `seq 1–${archivedTo} are archived in the anchor bucket, which is not configured here ` +
        '(set AUDIT_ANCHOR_BUCKET and its credentials to verify them)',
      false,
    );
  }
  for (const s of segments) {
    const expected = (state.prev?.seq ?? 0) + 1;
    if (s.firstSeq !== expected)
      return result({
        seq: expected,
        reason: 'gap',
        detail: `seq ${expected} is in neither the database nor the archive ledger`,
      });
    const body = await readSegment(o.bucket, s);
    if (!Buffer.isBuffer(body)) return result(body);
    const broken = walkSegment(body, s, state, o);
    if (broken !== null) return result(broken);
  }
  return result(null);
}
