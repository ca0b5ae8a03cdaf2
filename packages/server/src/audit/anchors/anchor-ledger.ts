// `audit.anchor`: the append-only ledger of anchors written to S3. It is the source of each new
// anchor's previous_anchor and the reference that `audit verify` compares the bucket against.
import type { SqlRunner } from '../../db/database.js';

export interface LedgerAnchor {
  readonly key: string;
  readonly seq: number;
  readonly eventHash: string;
  readonly sha256: string;
  readonly trigger: string;
  readonly writtenAt: Date;
}

const COLUMNS = `key, seq::text AS seq, encode(event_hash, 'hex') AS event_hash,
  encode(sha256, 'hex') AS sha256, trigger, written_at`;

interface Row {
  key: string;
  seq: string;
  event_hash: string;
  sha256: string;
  trigger: string;
  written_at: Date | string;
}

const toAnchor = (r: Row): LedgerAnchor => ({
  key: r.key,
  seq: Number(r.seq),
  eventHash: r.event_hash,
  sha256: r.sha256,
  trigger: r.trigger,
  writtenAt: new Date(r.written_at),
});

export async function lastAnchor(db: SqlRunner, chainId: string): Promise<LedgerAnchor | null> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM audit.anchor a WHERE a.chain_id = $1 ORDER BY a.id DESC LIMIT 1`,
    [chainId],
  );
  return rows[0] === undefined ? null : toAnchor(rows[0] as unknown as Row);
}

export async function ledgerAnchors(db: SqlRunner, chainId: string): Promise<LedgerAnchor[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM audit.anchor a WHERE a.chain_id = $1 ORDER BY a.id`,
    [chainId],
  );
  return rows.map((r) => toAnchor(r as unknown as Row));
}

export interface NewLedgerAnchor {
  readonly chainId: string;
  readonly bucket: string;
  readonly key: string;
  readonly seq: number;
  readonly eventHash: string;
  readonly sha256: string;
  readonly retainUntil: Date;
  readonly trigger: string;
  readonly writtenAt: Date;
}

export async function insertAnchor(tx: SqlRunner, a: NewLedgerAnchor): Promise<void> {
  await tx.query(
    `INSERT INTO audit.anchor
       (chain_id, bucket, key, seq, event_hash, sha256, retain_until, trigger, written_at)
     VALUES ($1, $2, $3, $4, decode($5, 'hex'), decode($6, 'hex'), $7, $8, $9)
     ON CONFLICT (key) DO NOTHING`,
    [
      a.chainId,
      a.bucket,
      a.key,
      a.seq,
      a.eventHash,
      a.sha256,
      a.retainUntil.toISOString(),
      a.trigger,
      a.writtenAt.toISOString(),
    ],
  );
}
