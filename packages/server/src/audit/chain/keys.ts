// The HMAC keys of the chain (audit.md §4.3): the current key signs, previous keys only verify.
import type { Config, HmacKey } from '../../config/types.js';

export interface AuditKeyring {
  readonly current: HmacKey;
  /** Secret of key `id` (current or previous), or undefined when unknown. */
  secret(id: string): Buffer | undefined;
}

export function createKeyring(current: HmacKey, previous: readonly HmacKey[] = []): AuditKeyring {
  const byId = new Map<string, Buffer>(previous.map((k) => [k.id, k.secret]));
  byId.set(current.id, current.secret);
  return { current, secret: (id) => byId.get(id) };
}

export function keyringFromConfig(config: Pick<Config, 'secrets'>): AuditKeyring {
  return createKeyring(config.secrets.auditKey, config.secrets.auditPreviousKeys);
}
