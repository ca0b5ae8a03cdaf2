// PKCE for the CLI login (identity.md §4 step 1) and the confirmation code both sides display
// (step 3): the first 8 characters of base32(SHA-256(state)), upper-case, as `XXXX-XXXX`.
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function confirmationCode(state: string): string {
  // 8 base32 characters are exactly the first 40 bits (5 bytes) of the digest.
  const first40 = createHash('sha256').update(state).digest().readUIntBE(0, 5);
  const chars = Array.from(
    { length: 8 },
    (_, i) => ALPHABET[Math.floor(first40 / 32 ** (7 - i)) % 32],
  );
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
