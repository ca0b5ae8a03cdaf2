// API token secrets (access-control.md §7): `rgw_` + 32 random bytes in URL-safe base64 with
// padding (48 characters). Only the SHA-256 (hex) is ever stored, like every identity secret.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../identity/secrets.js';

export const TOKEN_PREFIX = 'rgw_';

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export const hashTokenSecret = sha256Hex;

/** A credential starting with `rgw_` is an API token, anything else a session token (§2). */
export function looksLikeApiToken(credential: string): boolean {
  return credential.startsWith(TOKEN_PREFIX);
}
