// Writes one anchor (audit.md §14): under the anchor lock, read the head and the ledger's last
// anchor, put the object with If-None-Match, COMPLIANCE retention and its SHA-256 checksum, record
// it in the ledger, then append audit.anchor.write. A 412 is success only if the existing object
// carries our checksum; otherwise it is an alert. A head that disagrees with the head witness (a cut
// tail) is never anchored: that would vouch for the truncated chain.
import type { Database } from '../../db/database.js';
import type { AuditLog } from '../audit-log.js';
import { microsToIso } from '../chain/event-fields.js';
import { assertHeadIntact, readHeadState } from '../chain/head-witness.js';
import type { AnchorBucket } from './anchor-bucket.js';
import { insertAnchor, type LedgerAnchor, lastAnchor } from './anchor-ledger.js';
import { type AnchorTrigger, anchorBody, anchorKey, sha256 } from './anchor-payload.js';

export interface AnchorContext {
  readonly db: Database;
  readonly bucket: AnchorBucket;
  readonly audit: AuditLog;
  readonly chainId: string;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly kmsKeyId: string | null;
  readonly everyEvents: number;
  readonly intervalMinutes: number;
  readonly gatewayVersion: string;
  readonly replicaId: string;
  readonly now: () => Date;
}

export interface AnchorOutcome {
  readonly status: 'written' | 'skipped';
  readonly key?: string;
  readonly seq?: number;
}

export class AnchorConflictError extends Error {
  constructor(key: string) {
    super(`anchor ${key} already exists in the bucket with a different checksum`);
    this.name = 'AnchorConflictError';
  }
}

const DAY_MS = 86_400_000;

/** Another replica already covered this trigger (every_n / hourly are deduplicated). */
function alreadyCovered(
  ctx: AnchorContext,
  trigger: AnchorTrigger,
  headSeq: number,
  last: LedgerAnchor | null,
): boolean {
  if (last === null) return false;
  if (trigger === 'every_n') return headSeq - last.seq < ctx.everyEvents;
  if (trigger === 'hourly') {
    return ctx.now().getTime() - last.writtenAt.getTime() < (ctx.intervalMinutes * 60 - 30) * 1000;
  }
  return false;
}

async function record(
  ctx: AnchorContext,
  status: 'success' | 'error' | 'alert',
  resource: string,
  details: Record<string, unknown>,
): Promise<void> {
  await ctx.audit.append(
    {
      action: 'audit.anchor.write',
      status,
      actorType: 'system',
      channel: 'system',
      resource,
      details: { bucket: ctx.bucket.name, ...details },
    },
    { durable: false },
  );
}

export async function writeAnchor(
  ctx: AnchorContext,
  trigger: AnchorTrigger,
): Promise<AnchorOutcome> {
  const outcome = await ctx.db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('rgw-anchor:' || $1, 0))`, [
      ctx.chainId,
    ]);
    const state = await readHeadState(tx, ctx.chainId);
    assertHeadIntact(ctx.chainId, state);
    const head = state.events;
    const last = await lastAnchor(tx, ctx.chainId);
    if (head === null || alreadyCovered(ctx, trigger, head.seq, last))
      return { status: 'skipped' as const };
    const anchoredAt = ctx.now();
    const key = anchorKey(ctx.prefix, ctx.chainId, head.seq, anchoredAt);
    const eventHash = head.eventHash.toString('hex');
    const body = anchorBody({
      chainId: ctx.chainId,
      seq: head.seq,
      eventHash,
      eventTs: microsToIso(head.tsUs),
      keyId: head.keyId,
      anchoredAt,
      trigger,
      eventsSincePrevious: head.seq - (last?.seq ?? 0),
      previousAnchor: last === null ? null : { key: last.key, sha256: last.sha256 },
      gatewayVersion: ctx.gatewayVersion,
      replicaId: ctx.replicaId,
    });
    const digest = sha256(body);
    const retainUntil = new Date(anchoredAt.getTime() + ctx.retentionDays * DAY_MS);
    const put = await ctx.bucket.put(key, body, {
      retainUntil,
      checksumSha256: digest.toString('base64'),
      kmsKeyId: ctx.kmsKeyId,
    });
    if (put === 'exists') {
      const existing = await ctx.bucket.head(key);
      if (existing?.checksumSha256 !== digest.toString('base64'))
        throw new AnchorConflictError(key);
    }
    const sha = digest.toString('hex');
    await insertAnchor(tx, {
      chainId: ctx.chainId,
      bucket: ctx.bucket.name,
      key,
      seq: head.seq,
      eventHash,
      sha256: sha,
      retainUntil,
      trigger,
      writtenAt: anchoredAt,
    });
    return { status: 'written' as const, key, seq: head.seq, eventHash, retainUntil };
  });
  if (outcome.status === 'written') {
    await record(ctx, 'success', outcome.key, {
      seq: outcome.seq,
      event_hash: outcome.eventHash,
      trigger,
      retain_until: outcome.retainUntil.toISOString(),
    });
    return { status: 'written', key: outcome.key, seq: outcome.seq };
  }
  return { status: 'skipped' };
}

/** Appends the failure event of an anchor attempt (`alert` for a conflicting object). */
export async function recordAnchorFailure(
  ctx: AnchorContext,
  trigger: AnchorTrigger,
  err: unknown,
): Promise<void> {
  const status = err instanceof AnchorConflictError ? 'alert' : 'error';
  const message = err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
  await record(ctx, status, ctx.chainId, { trigger, error: message }).catch(() => undefined);
}
