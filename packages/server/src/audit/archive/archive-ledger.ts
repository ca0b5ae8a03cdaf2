// Reading the archive ledger (`audit.archive`, migration 0009): one row per segment written to the
// anchor bucket, in seq order.
import type { SqlRunner } from '../../db/database.js';
import type { Previous } from '../verify/verify-chain.js';

export interface ArchiveSegment {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly events: number;
  readonly previousHash: Buffer;
  readonly lastHash: Buffer;
  readonly lastTsUs: number;
  readonly bucket: string;
  readonly key: string;
  readonly sha256: Buffer;
}

// Ordered by the column (a.first_seq), not by its text alias.
const SELECT = `SELECT first_seq::text AS first_seq, last_seq::text AS last_seq, events::text AS events,
  previous_hash, last_hash, (extract(epoch FROM last_ts) * 1000000)::bigint::text AS last_ts_us,
  bucket, key, sha256 FROM audit.archive a WHERE a.chain_id = $1`;

interface Row extends Record<string, unknown> {
  first_seq: string;
  last_seq: string;
  events: string;
  previous_hash: Uint8Array;
  last_hash: Uint8Array;
  last_ts_us: string;
  bucket: string;
  key: string;
  sha256: Uint8Array;
}

const toSegment = (r: Row): ArchiveSegment => ({
  firstSeq: Number(r.first_seq),
  lastSeq: Number(r.last_seq),
  events: Number(r.events),
  previousHash: Buffer.from(r.previous_hash),
  lastHash: Buffer.from(r.last_hash),
  lastTsUs: Number(r.last_ts_us),
  bucket: r.bucket,
  key: r.key,
  sha256: Buffer.from(r.sha256),
});

/** The chain's archived segments, oldest first. */
export async function archiveSegments(db: SqlRunner, chainId: string): Promise<ArchiveSegment[]> {
  const rows = await db.query<Row>(`${SELECT} ORDER BY a.first_seq`, [chainId]);
  return rows.map(toSegment);
}

/** Where archiving stopped: the newest archived event (null: nothing archived yet). */
export async function lastArchived(db: SqlRunner, chainId: string): Promise<Previous | null> {
  const rows = await db.query<Row>(`${SELECT} ORDER BY a.first_seq DESC LIMIT 1`, [chainId]);
  const r = rows[0];
  if (r === undefined) return null;
  const s = toSegment(r);
  return { seq: s.lastSeq, hash: s.lastHash, tsUs: s.lastTsUs };
}
