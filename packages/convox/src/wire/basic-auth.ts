// Basic authentication as the convox client sends it and racks read it (convox-rack-api.md §1.3):
// the credential is `base64(user ":" password)` where both parts are in URL-escaped form, and
// servers percent-decode the password once.
import { goUnescape, goUserinfoEscape } from './form.js';

export interface BasicCredentials {
  readonly username: string;
  /** The password, already percent-decoded. */
  readonly password: string;
}

/** The `Authorization` value for a user and a (decoded) password. */
export function basicAuthorization(username: string, password: string): string {
  const userinfo = `${goUserinfoEscape(username)}:${goUserinfoEscape(password)}`;
  return `Basic ${Buffer.from(userinfo, 'utf8').toString('base64')}`;
}

/**
 * Reads an `Authorization: Basic …` header. Returns null when the header is absent, not Basic or not
 * decodable — callers treat that as "no credential". The password is percent-decoded once (`+`
 * stays `+`); an invalid escape leaves it as sent.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  const m = /^basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const raw = decoded.slice(colon + 1);
  let password = raw;
  try {
    password = goUnescape(raw, false);
  } catch {
    password = raw;
  }
  return { username: decoded.slice(0, colon), password };
}
