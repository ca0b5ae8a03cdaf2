// Truncation without anchors (audit.md §2.1, §15): the events are compared with the head witness
// (`audit.chain_head`, which the runtime role cannot move backwards), read together in one
// statement so concurrent appends cannot fake a difference. A chain without events is truncated
// too: a started gateway always holds audit.chain.create at seq 1.
import { type HeadState, headProblem } from '../chain/head-witness.js';
import type { ChainBreak } from './verify-chain.js';

const NO_EVENTS =
  'the chain has no events, yet every started gateway writes audit.chain.create at seq 1: ' +
  'the events were deleted (or no gateway has started on this database)';

/** The break the witness shows up to seq `to`, if any. */
export function witnessBreak(state: HeadState, to: number): ChainBreak | null {
  const { witness, events } = state;
  if (events === null) {
    return { seq: 1, reason: 'truncated', detail: headProblem(state) ?? NO_EVENTS };
  }
  const problem = headProblem(state);
  if (problem === null) return null;
  if (witness === null) return { seq: events.seq, reason: 'witness_missing', detail: problem };
  const at = firstBadSeq(events.seq, witness.seq);
  return at.seq <= to ? { ...at, detail: problem } : null;
}

function firstBadSeq(eventsSeq: number, witnessSeq: number): Omit<ChainBreak, 'detail'> {
  // Fewer events than witnessed: the first missing one. More: the first one the witness never saw.
  // Same seq, other hash: the witnessed event itself was replaced.
  if (eventsSeq < witnessSeq) return { seq: eventsSeq + 1, reason: 'truncated' };
  if (eventsSeq > witnessSeq) return { seq: witnessSeq + 1, reason: 'witness_mismatch' };
  return { seq: witnessSeq, reason: 'truncated' };
}
