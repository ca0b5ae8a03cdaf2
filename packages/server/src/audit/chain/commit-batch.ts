// One group-commit batch (audit.md §5.1): lock the chain, read the head, assign seq/ts/hashes in
// queue order, insert every row, fold the aggregated view and add to the counters, all in one
// transaction. The chain's first event is always audit.chain.create; a configured key id that
// differs from the head's prepends audit.key.rotate signed with the new key. A head that disagrees
// with the head witness (events deleted, or the whole table emptied) is never extended: the batch
// fails with ChainTruncatedError, so the writer turns unhealthy and mutations are refused (fail
// closed).
import type { Database, SqlRunner } from '../../db/database.js';
import { foldIntoView } from '../store/aggregated-store.js';
import { insertEvents } from '../store/event-rows.js';
import { eventHash, genesisHash } from './encoding.js';
import type { PendingFields, StoredEvent } from './event-fields.js';
import { type ChainHead, lockChain } from './head.js';
import { assertHeadIntact, readHeadState } from './head-witness.js';
import type { AuditKeyring } from './keys.js';
import { normaliseEvent } from './normalise.js';

export interface BatchContext {
  readonly chainId: string;
  readonly keyring: AuditKeyring;
  /** Current time in whole microseconds. */
  readonly nowUs: () => number;
  /** Events per partition of audit.audit_event (AUDIT_PARTITION_EVENTS; default 10,000,000). */
  readonly partitionEvents?: number;
}

export const DEFAULT_PARTITION_EVENTS = 10_000_000;

/**
 * Creates the next partitions once the batch's last seq passes the middle of the last one, so a
 * partition always exists well before the chain reaches it (audit.md §2.2). This runs under the
 * chain lock, about once per half partition.
 */
async function ensurePartitions(
  tx: SqlRunner,
  ctx: BatchContext,
  lastSeq: number,
  partitionedTo: number,
): Promise<void> {
  const span = ctx.partitionEvents ?? DEFAULT_PARTITION_EVENTS;
  const upto = lastSeq + Math.ceil(span / 2);
  if (upto < partitionedTo) return;
  await tx.query('SELECT audit.extend_partitions($1, $2)', [upto, span]);
}

export interface BatchResult {
  readonly events: readonly StoredEvent[];
  /** The batch started with a key rotation (an anchor is due, audit.md §4.3). */
  readonly rotated: boolean;
}

function systemEvent(
  ctx: BatchContext,
  action: 'audit.chain.create' | 'audit.key.rotate',
  details: Record<string, unknown>,
  nowUs: number,
): PendingFields {
  return normaliseEvent(
    {
      action,
      status: 'success',
      actorType: 'system',
      channel: 'system',
      resource: ctx.chainId,
      details,
    },
    new Date(Math.floor(nowUs / 1000)),
  );
}

async function prologue(
  tx: SqlRunner,
  ctx: BatchContext,
  head: ChainHead | null,
  nowUs: number,
): Promise<PendingFields[]> {
  if (head === null) {
    const genesis = genesisHash(ctx.chainId);
    await tx.query(
      'INSERT INTO audit.chain (chain_id, genesis_hash) VALUES ($1, $2) ON CONFLICT (chain_id) DO NOTHING',
      [ctx.chainId, genesis],
    );
    return [
      systemEvent(ctx, 'audit.chain.create', { genesis_hash: genesis.toString('hex') }, nowUs),
    ];
  }
  if (head.keyId !== ctx.keyring.current.id) {
    const details = { previous_key_id: head.keyId, new_key_id: ctx.keyring.current.id };
    return [systemEvent(ctx, 'audit.key.rotate', details, nowUs)];
  }
  return [];
}

function chainEvents(
  ctx: BatchContext,
  head: ChainHead | null,
  pending: readonly PendingFields[],
  nowUs: number,
): StoredEvent[] {
  const key = ctx.keyring.current;
  let seq = head?.seq ?? 0;
  let previousHash = head?.eventHash ?? genesisHash(ctx.chainId);
  const tsUs = Math.max(nowUs, head?.tsUs ?? 0);
  return pending.map((p) => {
    seq += 1;
    const fields = { ...p, chainId: ctx.chainId, seq, keyId: key.id, previousHash, tsUs };
    const stored: StoredEvent = { ...fields, eventHash: eventHash(key.secret, fields) };
    previousHash = stored.eventHash;
    return stored;
  });
}

/** Commits `pending` (possibly empty: then only the chain's own events, if any are due). */
export function commitBatch(
  db: Database,
  ctx: BatchContext,
  pending: readonly PendingFields[],
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    await lockChain(tx, ctx.chainId);
    const state = await readHeadState(tx, ctx.chainId);
    assertHeadIntact(ctx.chainId, state);
    const head = state.events;
    const nowUs = ctx.nowUs();
    const prefix = await prologue(tx, ctx, head, nowUs);
    const all = [...prefix, ...pending];
    if (all.length === 0) return { events: [], rotated: false };
    const events = chainEvents(ctx, head, all, nowUs);
    await ensurePartitions(tx, ctx, events[events.length - 1]?.seq ?? 0, state.partitionedTo);
    await insertEvents(tx, events);
    await foldIntoView(tx, ctx.chainId, events);
    return { events, rotated: prefix[0]?.action === 'audit.key.rotate' };
  });
}
