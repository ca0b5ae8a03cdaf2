// Stateless CSRF tokens (identity.md §9): base64url(HMAC-SHA256(csrf key, "csrf|" + raw session
// token)). One per session, new whenever the session rotates; compared in constant time.
import { deriveKey, hmacBase64Url, safeEqual } from './secrets.js';

export interface Csrf {
  tokenFor(rawSessionToken: string): string;
  valid(rawSessionToken: string, presented: string | undefined): boolean;
}

export function createCsrf(appSecretKey: Buffer): Csrf {
  const key = deriveKey(appSecretKey, 'rgw/csrf/v1');
  const tokenFor = (raw: string): string => hmacBase64Url(key, `csrf|${raw}`);
  return {
    tokenFor,
    valid: (raw, presented) => presented !== undefined && safeEqual(tokenFor(raw), presented),
  };
}
