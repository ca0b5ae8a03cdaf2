// Start-up checks of the chain (audit.md §2.1, §4.2-4.3, config.md §3.13): the database's chain must
// be the configured AUDIT_CHAIN_ID, its head must agree with the head witness (a head that went
// backwards is never extended), and a key id must never be reused with another secret. All are
// fatal (exit 2): retrying cannot fix them.
import type { SqlRunner } from '../../db/database.js';
import { eventHash } from './encoding.js';
import { readHeadEvent, storedChainId } from './head.js';
import { assertHeadIntact, readHeadState } from './head-witness.js';
import type { AuditKeyring } from './keys.js';

export class ChainConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainConfigError';
  }
}

export async function checkChainId(db: SqlRunner, chainId: string): Promise<void> {
  const stored = await storedChainId(db);
  if (stored !== null && stored !== chainId) {
    throw new ChainConfigError(
      `AUDIT_CHAIN_ID is "${chainId}" but this database holds the audit chain "${stored}"; ` +
        `the chain id is fixed at first start: set AUDIT_CHAIN_ID=${stored}.`,
    );
  }
}

/** Throws ChainTruncatedError when the newest events are not the ones the head witness records. */
export async function checkChainHead(db: SqlRunner, chainId: string): Promise<void> {
  assertHeadIntact(chainId, await readHeadState(db, chainId));
}

export async function checkKeyReuse(
  db: SqlRunner,
  chainId: string,
  keyring: AuditKeyring,
): Promise<void> {
  const head = await readHeadEvent(db, chainId);
  if (head === null || head.keyId !== keyring.current.id) return;
  if (!eventHash(keyring.current.secret, head).equals(head.eventHash)) {
    throw new ChainConfigError(
      `AUDIT_HMAC_KEY_ID "${head.keyId}" is already used by the audit chain with a different ` +
        `AUDIT_HMAC_SECRET (the head event, seq ${head.seq}, does not verify). Restore the original ` +
        'secret, or rotate: choose a new AUDIT_HMAC_KEY_ID and move the old id:secret pair to ' +
        'AUDIT_HMAC_PREVIOUS_KEYS.',
    );
  }
}
