// `GET /api/v1/audit-logs/chain-status` (audit.md §12): head, anchoring and the last verification.
import type { SqlRunner } from '../../db/database.js';
import { lastAnchor } from '../anchors/anchor-ledger.js';
import { readHead } from '../chain/head.js';

export interface ChainStatus {
  readonly chain_id: string;
  readonly head_seq: number;
  readonly head_hash: string | null;
  readonly anchoring_enabled: boolean;
  readonly last_anchor: { seq: number; key: string; written_at: string } | null;
  readonly last_verify: {
    at: string;
    result: string | null;
    first_break_seq: number | null;
  } | null;
}

export async function chainStatus(
  db: SqlRunner,
  chainId: string,
  anchoringEnabled: boolean,
): Promise<ChainStatus> {
  const head = await readHead(db, chainId);
  const anchor = await lastAnchor(db, chainId);
  const runs = await db.query<{
    at: Date | string;
    result: string | null;
    first_break_seq: string | null;
  }>(
    `SELECT coalesce(finished_at, started_at) AS at, result, first_break_seq::text AS first_break_seq
     FROM audit.verify_run WHERE chain_id = $1 AND state <> 'running' ORDER BY started_at DESC LIMIT 1`,
    [chainId],
  );
  const run = runs[0];
  return {
    chain_id: chainId,
    head_seq: head?.seq ?? 0,
    head_hash: head?.eventHash.toString('hex') ?? null,
    anchoring_enabled: anchoringEnabled,
    last_anchor:
      anchor === null
        ? null
        : { seq: anchor.seq, key: anchor.key, written_at: anchor.writtenAt.toISOString() },
    last_verify:
      run === undefined
        ? null
        : {
            at: new Date(run.at).toISOString(),
            result: run.result,
            first_break_seq: run.first_break_seq === null ? null : Number(run.first_break_seq),
          },
  };
}
