// The chain head as the events show it, compared with the head witness (`audit.chain_head`, written
// only by the owner's triggers, migration 0007). A started chain always holds seq 1
// (audit.chain.create is written in the transaction that creates the chain and its witness), so
// the only consistent states are "never started" (no chain row, no witness, no events) and
// "witness = newest event" (same seq, same hash). Anything else means events were deleted or
// inserted behind the witness's back, and the chain must not be extended: a new batch would either
// hide the cut or start a second chain on top of the first.
import type { SqlRunner } from '../../db/database.js';
import type { ChainHead } from './head.js';

export interface HeadWitness {
  readonly seq: number;
  readonly eventHash: Buffer;
}

export interface HeadState {
  readonly chainExists: boolean;
  readonly witness: HeadWitness | null;
  /** The newest event (null when the chain has none). */
  readonly events: ChainHead | null;
  /** The first seq no partition of audit.audit_event holds yet (migration 0009). */
  readonly partitionedTo: number;
}

/** The chain's head moved backwards (or was rewritten): extending it is refused. */
export class ChainTruncatedError extends Error {
  constructor(
    readonly chainId: string,
    readonly problem: string,
  ) {
    super(
      `SECURITY: the audit chain "${chainId}" was truncated: ${problem}. Refusing to append to it ` +
        '(a new event would hide the cut). Restore the missing events from a backup, or keep this ' +
        'database as evidence and start the gateway on a new one; `rack-gateway-server audit verify` ' +
        'reports the first missing sequence number.',
    );
    this.name = 'ChainTruncatedError';
  }
}

export async function readHeadState(db: SqlRunner, chainId: string): Promise<HeadState> {
  const rows = await db.query<{
    chain_exists: boolean;
    witness_seq: string | null;
    witness_hash: Uint8Array | null;
    seq: string | null;
    event_hash: Uint8Array | null;
    ts_us: string | null;
    key_id: string | null;
    partitioned_to: string | null;
  }>(
    `SELECT (SELECT max(p.to_seq)::text FROM audit.event_partition p) AS partitioned_to,
       c.chain_id IS NOT NULL AS chain_exists, w.seq::text AS witness_seq,
       w.event_hash AS witness_hash, e.seq::text AS seq, e.event_hash, e.ts_us, e.key_id
     FROM (SELECT $1::text AS id) k
     LEFT JOIN audit.chain c ON c.chain_id = k.id
     LEFT JOIN audit.chain_head w ON w.chain_id = k.id
     LEFT JOIN LATERAL (
       SELECT h.seq, h.event_hash, (extract(epoch FROM h.ts) * 1000000)::bigint::text AS ts_us, h.key_id
       FROM audit.audit_event h WHERE h.chain_id = k.id ORDER BY h.seq DESC LIMIT 1
     ) e ON true`,
    [chainId],
  );
  const r = rows[0];
  const witness =
    r?.witness_seq == null || r.witness_hash === null
      ? null
      : { seq: Number(r.witness_seq), eventHash: Buffer.from(r.witness_hash) };
  const events =
    r?.seq == null || r.event_hash === null
      ? null
      : {
          seq: Number(r.seq),
          eventHash: Buffer.from(r.event_hash),
          tsUs: Number(r.ts_us),
          keyId: r.key_id ?? '',
        };
  return {
    chainExists: r?.chain_exists === true,
    witness,
    events,
    partitionedTo: Number(r?.partitioned_to ?? 1),
  };
}

/** What is wrong with the head, in words; null when it is consistent. */
export function headProblem(state: HeadState): string | null {
  const { witness, events } = state;
  if (witness === null) {
    if (events !== null) return `events up to seq ${events.seq} exist but the head witness is gone`;
    return state.chainExists ? 'the chain exists but its head witness and events are gone' : null;
  }
  const recorded = `the head witness (audit.chain_head) records seq ${witness.seq} (${witness.eventHash.toString('hex')})`;
  if (events === null) return `${recorded} but the chain has no events`;
  if (events.seq < witness.seq) {
    return `${recorded} but the newest event is seq ${events.seq}: seq ${events.seq + 1}–${witness.seq} are missing`;
  }
  if (events.seq > witness.seq) {
    return `${recorded} but events up to seq ${events.seq} exist: they were inserted with the witness trigger disabled`;
  }
  if (!events.eventHash.equals(witness.eventHash)) {
    return `${recorded} but the event at that seq has another hash: the tail was cut and rewritten`;
  }
  return null;
}

/** Throws ChainTruncatedError unless the head is consistent. */
export function assertHeadIntact(chainId: string, state: HeadState): void {
  const problem = headProblem(state);
  if (problem !== null) throw new ChainTruncatedError(chainId, problem);
}
