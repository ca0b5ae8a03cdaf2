// Anchor verification (audit.md §15 steps 3-4): every object under the chain prefix (all pages) is
// read back: its stored checksum, its previous_anchor link, COMPLIANCE retention, and the DB event
// at its seq. The listing is compared with the ledger; an anchor beyond the DB head (or an anchored
// event that is missing) means the newest events were truncated.
import type { SqlRunner } from '../../db/database.js';
import type { AnchorBucket } from '../anchors/anchor-bucket.js';
import { ledgerAnchors } from '../anchors/anchor-ledger.js';
import { chainPrefix, sha256 } from '../anchors/anchor-payload.js';
import type { ChainBreak } from './verify-chain.js';

export interface AnchorCheck {
  readonly checked: number;
  readonly latestSeq: number | null;
  readonly mismatches: number;
  readonly truncated: boolean;
  readonly firstBreak: ChainBreak | null;
}

interface Parsed {
  readonly key: string;
  readonly body: Buffer;
  readonly seq: number;
  readonly eventHash: string;
  readonly previous: { key: string; sha256: string } | null;
}

const DAY_MS = 86_400_000;

async function readAnchor(bucket: AnchorBucket, key: string): Promise<Parsed | ChainBreak> {
  const body = await bucket.get(key);
  try {
    const p = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    return {
      key,
      body,
      seq: Number(p.seq),
      eventHash: String(p.event_hash),
      previous: (p.previous_anchor as Parsed['previous']) ?? null,
    };
  } catch {
    return { seq: 0, reason: 'anchor_mismatch', detail: `${key} is not an anchor document` };
  }
}

async function checkObject(
  bucket: AnchorBucket,
  a: Parsed,
  previous: Parsed | null,
  retentionDays: number,
  now: Date,
): Promise<string | null> {
  const info = await bucket.head(a.key);
  if (info?.checksumSha256 !== sha256(a.body).toString('base64'))
    return 'checksum differs from the object bytes';
  const prevSha = previous === null ? null : sha256(previous.body).toString('hex');
  if (
    previous === null
      ? a.previous !== null
      : a.previous?.key !== previous.key || a.previous?.sha256 !== prevSha
  ) {
    return 'previous_anchor does not link to the preceding anchor';
  }
  const expired =
    (info.lastModified?.getTime() ?? now.getTime()) + retentionDays * DAY_MS <= now.getTime();
  if (
    info.lockMode !== 'COMPLIANCE' ||
    (!expired && (info.retainUntil?.getTime() ?? 0) <= now.getTime())
  ) {
    return 'object is not under COMPLIANCE retention';
  }
  return null;
}

async function eventHashAt(db: SqlRunner, chainId: string, seq: number): Promise<string | null> {
  const rows = await db.query<{ h: string }>(
    `SELECT encode(event_hash, 'hex') AS h FROM audit.audit_event WHERE chain_id = $1 AND seq = $2`,
    [chainId, seq],
  );
  return rows[0]?.h ?? null;
}

export interface AnchorVerifyOptions {
  readonly db: SqlRunner;
  readonly bucket: AnchorBucket;
  readonly chainId: string;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly headSeq: number;
  readonly now: Date;
  /**
   * Archived events (seq ≤ `to`) are not in the database: their hashes come from the archive walk,
   * or, when the archives were not read (a later --from), they are not compared.
   */
  readonly archived?: { readonly to: number; readonly hashes: ReadonlyMap<number, string> | null };
}

async function hashAt(o: AnchorVerifyOptions, a: Parsed): Promise<string | null> {
  const archived = o.archived;
  if (archived !== undefined && a.seq <= archived.to)
    return archived.hashes === null ? a.eventHash : (archived.hashes.get(a.seq) ?? null);
  return a.seq <= o.headSeq ? eventHashAt(o.db, o.chainId, a.seq) : null;
}

const earliest = (a: ChainBreak | null, b: ChainBreak): ChainBreak =>
  a === null || b.seq < a.seq ? b : a;

async function listAnchors(
  o: AnchorVerifyOptions,
): Promise<{ parsed: Parsed[]; unreadable: ChainBreak[] }> {
  const parsed: Parsed[] = [];
  const unreadable: ChainBreak[] = [];
  for await (const key of o.bucket.list(chainPrefix(o.prefix, o.chainId))) {
    const a = await readAnchor(o.bucket, key);
    if ('reason' in a) unreadable.push(a);
    else parsed.push(a);
  }
  parsed.sort((x, y) => x.seq - y.seq || x.key.localeCompare(y.key));
  return { parsed, unreadable };
}

/** The break one anchor shows, if any. */
async function anchorBreak(
  o: AnchorVerifyOptions,
  a: Parsed,
  previous: Parsed | null,
  inLedger: boolean,
): Promise<ChainBreak | null> {
  const problem = await checkObject(o.bucket, a, previous, o.retentionDays, o.now);
  const dbHash = await hashAt(o, a);
  if (dbHash === null) {
    const detail = `anchor ${a.key} covers seq ${a.seq}, beyond the database`;
    return { seq: Math.min(a.seq, o.headSeq + 1), reason: 'truncated', detail };
  }
  if (problem !== null || dbHash !== a.eventHash) {
    const detail = `${a.key}: ${problem ?? 'event_hash differs from the database'}`;
    return { seq: a.seq, reason: 'anchor_mismatch', detail };
  }
  if (!inLedger) {
    const detail = `${a.key} is not in the anchor ledger`;
    return { seq: a.seq, reason: 'anchor_missing_in_db', detail };
  }
  return null;
}

export async function verifyAnchors(o: AnchorVerifyOptions): Promise<AnchorCheck> {
  const { parsed, unreadable } = await listAnchors(o);
  const ledger = new Map((await ledgerAnchors(o.db, o.chainId)).map((l) => [l.key, l.seq]));
  const breaks: ChainBreak[] = [...unreadable];
  let previous: Parsed | null = null;
  for (const a of parsed) {
    const broken = await anchorBreak(o, a, previous, ledger.has(a.key));
    if (broken !== null) breaks.push(broken);
    ledger.delete(a.key);
    previous = a;
  }
  for (const [missing, seq] of ledger) {
    const detail = `ledger anchor ${missing} is missing from the bucket`;
    breaks.push({ seq, reason: 'anchor_mismatch', detail });
  }
  const truncated = breaks.some((b) => b.reason === 'truncated');
  return {
    checked: parsed.length,
    latestSeq: parsed[parsed.length - 1]?.seq ?? null,
    mismatches: breaks.filter((b) => b.reason !== 'truncated').length,
    truncated,
    firstBreak: breaks.reduce<ChainBreak | null>(earliest, null),
  };
}
