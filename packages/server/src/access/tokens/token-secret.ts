// API token secrets (access-control.md §7): `rgw_` + 32 random bytes in URL-safe base64 with
// padding (48 characters). Only the SHA-256 (hex) is ever stored.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'rgw_';

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function looksLikeApiToken(credential: string): boolean {
  return credential.startsWith(TOKEN_PREFIX);
}
