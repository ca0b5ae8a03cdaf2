// Anchor objects (audit.md §14): the object key layout and the canonical payload, keys in the
// specified order, UTF-8, trailing newline. previous_anchor comes from the ledger, never a listing.
import { createHash } from 'node:crypto';

export type AnchorTrigger = 'hourly' | 'every_n' | 'startup' | 'key_rotation' | 'manual';

export interface PreviousAnchor {
  readonly key: string;
  /** Hex SHA-256 of the previous anchor's exact bytes. */
  readonly sha256: string;
}

export interface AnchorPayload {
  readonly chainId: string;
  readonly seq: number;
  readonly eventHash: string;
  readonly eventTs: string;
  readonly keyId: string;
  readonly anchoredAt: Date;
  readonly trigger: AnchorTrigger;
  readonly eventsSincePrevious: number;
  readonly previousAnchor: PreviousAnchor | null;
  readonly gatewayVersion: string;
  readonly replicaId: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYYMMDDTHHMMSSZ` (UTC). */
export function compactUtc(d: Date): string {
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

/** The directory of a chain's anchors inside the bucket. */
export const chainPrefix = (prefix: string, chainId: string): string => `${prefix}${chainId}/`;

export function anchorKey(prefix: string, chainId: string, seq: number, at: Date): string {
  const day = `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
  return `${chainPrefix(prefix, chainId)}${day}/anchor-${pad(seq, 20)}-${compactUtc(at)}.json`;
}

export function anchorBody(p: AnchorPayload): Buffer {
  const ordered = {
    version: 1,
    chain_id: p.chainId,
    seq: p.seq,
    event_hash: p.eventHash,
    event_ts: p.eventTs,
    key_id: p.keyId,
    anchored_at: p.anchoredAt.toISOString(),
    trigger: p.trigger,
    events_since_previous: p.eventsSincePrevious,
    previous_anchor:
      p.previousAnchor === null
        ? null
        : { key: p.previousAnchor.key, sha256: p.previousAnchor.sha256 },
    gateway_version: p.gatewayVersion,
    replica_id: p.replicaId,
  };
  return Buffer.from(`${JSON.stringify(ordered)}\n`, 'utf8');
}

export const sha256 = (body: Uint8Array): Buffer => createHash('sha256').update(body).digest();
