// The rack's Basic-auth rule (convox-rack-api.md §1.3–1.5): username ignored, password compared in
// constant time, a rack without a password accepts anything. Only a summary is ever recorded.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseBasicAuthorization } from '@rack-gateway/convox';
import type { AuthSummary } from './request-log.js';

export interface AuthResult {
  readonly allowed: boolean;
  readonly summary: AuthSummary;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function authenticate(header: string | undefined, password: string): AuthResult {
  if (header === undefined) {
    return { allowed: password === '', summary: { scheme: null, username: null, auth: 'none' } };
  }
  const scheme = header.split(/\s+/)[0] ?? '';
  const credentials = parseBasicAuthorization(header);
  const ok =
    password === '' || (credentials !== null && sameSecret(credentials.password, password));
  return {
    allowed: ok,
    summary: { scheme, username: credentials?.username ?? null, auth: ok ? 'ok' : 'bad' },
  };
}

export const UNAUTHORIZED_MESSAGE = 'invalid authentication';
export const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Basic realm="convox"' } as const;
