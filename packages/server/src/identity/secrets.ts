// Random tokens, hashes and constant-time comparison for every identity secret (session tokens,
// login states, binding values, login codes, CSRF). Only hashes of tokens are ever stored.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** `bytes` random bytes, base64url without padding (32 bytes → 43 characters). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (value: string): string =>
  createHash('sha256').update(value).digest('hex');

export const sha256Base64Url = (value: string): string =>
  createHash('sha256').update(value).digest('base64url');

/** Constant-time string comparison (length differences still take the same path). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** A sub-key of APP_SECRET_KEY (HKDF-SHA256 with a fixed label, identity.md §1). */
export const deriveKey = (master: Buffer, label: string): Buffer =>
  Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), label, 32));

export const hmacBase64Url = (key: Buffer, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64url');

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** CLI confirmation code: first 8 characters of base32(SHA-256(state)), shown `XXXX-XXXX`. */
export function confirmationCode(state: string): string {
  const code = base32(createHash('sha256').update(state).digest()).slice(0, 8);
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
