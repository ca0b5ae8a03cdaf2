// Chain verification (audit.md §15 steps 1-2): walks the events in seq order in batches of 5000,
// keeping only the previous event in memory, and stops at the first break: a gap, a broken link,
// an unknown key, an HMAC that does not recompute, or a timestamp that goes backwards.
import type { SqlRunner } from '../../db/database.js';
import { eventHash, genesisHash } from '../chain/encoding.js';
import type { AuditKeyring } from '../chain/keys.js';
import { EVENT_SELECT, rowToEvent, type StoredEventRow } from '../store/event-rows.js';

export type BreakReason =
  | 'gap'
  | 'link_mismatch'
  | 'hmac_mismatch'
  | 'unknown_key'
  | 'genesis_mismatch'
  | 'ts_regression'
  | 'anchor_mismatch'
  | 'anchor_missing_in_db'
  | 'truncated'
  | 'witness_missing'
  | 'witness_mismatch'
  | 'archive_mismatch';

export interface ChainBreak {
  readonly seq: number;
  readonly reason: BreakReason;
  readonly detail: string;
}

export interface ChainWalk {
  readonly checkedEvents: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly firstBreak: ChainBreak | null;
}

/** The event a walk has reached: what the next one must link to. */
export interface Previous {
  readonly seq: number;
  readonly hash: Buffer;
  readonly tsUs: number;
}

export const VERIFY_BATCH = 5000;

/** The break `e` shows after `prev` (null: `e` is the genesis-linked first event), if any. */
export function checkEvent(
  e: StoredEventRow,
  prev: Previous | null,
  genesis: Buffer,
  keyring: AuditKeyring,
): ChainBreak | null {
  const expected = (prev?.seq ?? 0) + 1;
  if (e.seq !== expected) {
    return {
      seq: expected,
      reason: 'gap',
      detail: `seq ${expected} is missing (next is ${e.seq})`,
    };
  }
  const link = prev === null ? genesis : prev.hash;
  if (!e.previousHash.equals(link)) {
    const reason = prev === null ? 'genesis_mismatch' : 'link_mismatch';
    return { seq: e.seq, reason, detail: 'previous_hash does not match the preceding event' };
  }
  const secret = keyring.secret(e.keyId);
  if (secret === undefined) {
    return { seq: e.seq, reason: 'unknown_key', detail: `key id "${e.keyId}" is not configured` };
  }
  if (!eventHash(secret, e).equals(e.eventHash)) {
    return { seq: e.seq, reason: 'hmac_mismatch', detail: 'event_hash does not recompute' };
  }
  if (prev !== null && e.tsUs < prev.tsUs) {
    return {
      seq: e.seq,
      reason: 'ts_regression',
      detail: 'ts is earlier than the preceding event',
    };
  }
  return null;
}

async function startingPoint(
  db: SqlRunner,
  chainId: string,
  from: number,
): Promise<Previous | null | ChainBreak> {
  if (from <= 1) return null;
  const rows = await db.query(
    `SELECT ${EVENT_SELECT} FROM audit.audit_event e WHERE e.chain_id = $1 AND e.seq = $2`,
    [chainId, from - 1],
  );
  const row = rows[0];
  if (row === undefined)
    return { seq: from - 1, reason: 'gap', detail: `seq ${from - 1} is missing` };
  const e = rowToEvent(row);
  return { seq: e.seq, hash: e.eventHash, tsUs: e.tsUs };
}

async function checkGenesisRow(
  db: SqlRunner,
  chainId: string,
  genesis: Buffer,
): Promise<ChainBreak | null> {
  const rows = await db.query<{ genesis_hash: Uint8Array }>(
    'SELECT genesis_hash FROM audit.chain WHERE chain_id = $1',
    [chainId],
  );
  const stored = rows[0];
  if (stored !== undefined && !Buffer.from(stored.genesis_hash).equals(genesis)) {
    return { seq: 1, reason: 'genesis_mismatch', detail: 'audit.chain holds another genesis hash' };
  }
  return null;
}

export interface WalkOptions {
  readonly chainId: string;
  readonly keyring: AuditKeyring;
  readonly from?: number;
  readonly to?: number;
  readonly batchSize?: number;
  /** The event just before `from` when it is not in the database (the last archived one). */
  readonly after?: Previous | null;
}

const headOf = (prev: Previous | null): ChainWalk['head'] =>
  prev === null ? null : { seq: prev.seq, hash: prev.hash.toString('hex') };

async function walkFrom(
  db: SqlRunner,
  options: WalkOptions,
  start: Previous | null,
  genesis: Buffer,
): Promise<ChainWalk> {
  const size = options.batchSize ?? VERIFY_BATCH;
  const to = options.to ?? Number.MAX_SAFE_INTEGER;
  let prev = start;
  let checked = 0;
  for (;;) {
    const rows = await db.query(
      `SELECT ${EVENT_SELECT} FROM audit.audit_event e
       WHERE e.chain_id = $1 AND e.seq >= $2 AND e.seq <= $3 ORDER BY e.seq LIMIT $4`,
      [options.chainId, (prev?.seq ?? 0) + 1, to, size],
    );
    for (const row of rows) {
      const e = rowToEvent(row);
      const broken = checkEvent(e, prev, genesis, options.keyring);
      if (broken !== null)
        return { checkedEvents: checked, head: headOf(prev), firstBreak: broken };
      prev = { seq: e.seq, hash: e.eventHash, tsUs: e.tsUs };
      checked += 1;
    }
    if (rows.length < size) return { checkedEvents: checked, head: headOf(prev), firstBreak: null };
  }
}

export async function walkChain(db: SqlRunner, options: WalkOptions): Promise<ChainWalk> {
  const from = Math.max(1, options.from ?? 1);
  const genesis = genesisHash(options.chainId);
  const start =
    options.after === undefined ? await startingPoint(db, options.chainId, from) : options.after;
  if (start !== null && 'reason' in start)
    return { checkedEvents: 0, head: null, firstBreak: start };
  const genesisBreak =
    from === 1 && options.after === undefined
      ? await checkGenesisRow(db, options.chainId, genesis)
      : null;
  if (genesisBreak !== null) return { checkedEvents: 0, head: null, firstBreak: genesisBreak };
  return walkFrom(db, options, start, genesis);
}
