// Notices that a credential may resolve differently now (identity.md §15): revocations travel on
// `rgw_revocation` (they also close sockets); changes that revoke nothing but alter what a
// credential's principal holds — a step-up stamp, MFA enforcement, a profile edit — travel on
// `rgw_credentials`. Both carry `{"kind":"session|token|user","id":"<public id>"}` and are sent
// in the changing transaction, so every replica forgets what it cached (credential-cache.ts).
import type { NotifyingRunner } from '../db/database.js';

export const CREDENTIALS_CHANNEL = 'rgw_credentials';

export type NoticeKind = 'session' | 'token' | 'user';

export interface CredentialNotice {
  readonly kind: NoticeKind;
  readonly id: string;
}

const KINDS: readonly string[] = ['session', 'token', 'user'];

export function parseCredentialNotice(payload: string): CredentialNotice | null {
  try {
    const v: unknown = JSON.parse(payload);
    if (typeof v !== 'object' || v === null) return null;
    const { kind, id } = v as Record<string, unknown>;
    if (typeof kind !== 'string' || !KINDS.includes(kind) || typeof id !== 'string') return null;
    return { kind: kind as NoticeKind, id };
  } catch {
    return null;
  }
}

/** Announces a change of the session or user with public id `id` that revokes nothing. */
export async function announceCredentialChange(
  tx: NotifyingRunner,
  kind: 'session' | 'user',
  id: string,
): Promise<void> {
  await tx.notify(CREDENTIALS_CHANNEL, JSON.stringify({ kind, id }));
}
