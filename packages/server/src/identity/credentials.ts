// Reads the credential a request presents (access-control.md §2, identity.md §14.9): an
// `Authorization` header (Bearer or Basic; the Basic username is ignored) wins over the session
// cookie; `rgw_…` is an API token, anything else a session token; an inline-MFA suffix
// `<credential>.totp.<code>` / `.webauthn.<b64url>` is split off before lookup.
import { looksLikeApiToken } from '../access/tokens/token-secret.js';
import type { InlineMfa } from './mfa-hooks.js';

export type CredentialSource = 'cookie' | 'bearer' | 'basic';

export type PresentedCredential =
  | { readonly kind: 'none'; readonly inline: InlineMfa | null }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'ambiguous_mfa' }
  | {
      readonly kind: 'session' | 'api_token';
      readonly token: string;
      readonly source: CredentialSource;
      readonly inline: InlineMfa | null;
    };

const MAX_CREDENTIAL = 2048;
const TOKEN_CHARS = /^[A-Za-z0-9_\-=+/]+$/;

function splitSuffix(value: string): { token: string; inline: InlineMfa | null } | null {
  const first = value.indexOf('.');
  if (first === -1) return { token: value, inline: null };
  const second = value.indexOf('.', first + 1);
  if (second === -1) return null;
  const kind = value.slice(first + 1, second);
  const inlineValue = value.slice(second + 1);
  if ((kind !== 'totp' && kind !== 'webauthn') || inlineValue === '') return null;
  return { token: value.slice(0, first), inline: { kind, value: inlineValue, source: 'suffix' } };
}

function fromAuthorization(header: string): { secret: string; source: 'bearer' | 'basic' } | null {
  const match = /^(Bearer|Basic) +(\S+)$/i.exec(header.trim());
  if (!match?.[1] || !match[2]) return null;
  if (match[1].toLowerCase() === 'bearer') return { secret: match[2], source: 'bearer' };
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1 || !/^[A-Za-z0-9+/]+=*$/.test(match[2])) return null;
  return { secret: decoded.slice(colon + 1), source: 'basic' };
}

function inlineFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): InlineMfa | null {
  const totp = headers['x-mfa-totp'];
  if (typeof totp === 'string' && totp.trim() !== '')
    return { kind: 'totp', value: totp.trim(), source: 'header' };
  const webauthn = headers['x-mfa-webauthn'];
  if (typeof webauthn === 'string' && webauthn.trim() !== '')
    return { kind: 'webauthn', value: webauthn.trim(), source: 'header' };
  return null;
}

export function readCredential(
  headers: Record<string, string | string[] | undefined>,
  sessionCookie: string | undefined,
): PresentedCredential {
  const headerInline = inlineFromHeaders(headers);
  const authorization = headers.authorization;
  let secret: string;
  let source: CredentialSource;
  if (typeof authorization === 'string') {
    const parsed = fromAuthorization(authorization);
    if (parsed === null) return { kind: 'invalid' };
    ({ secret, source } = parsed);
  } else if (sessionCookie !== undefined && sessionCookie !== '') {
    secret = sessionCookie;
    source = 'cookie';
  } else {
    return { kind: 'none', inline: headerInline };
  }
  const split = source === 'cookie' ? { token: secret, inline: null } : splitSuffix(secret);
  if (split === null || split.token.length > MAX_CREDENTIAL || !TOKEN_CHARS.test(split.token))
    return { kind: 'invalid' };
  if (split.inline !== null && headerInline !== null) return { kind: 'ambiguous_mfa' };
  return {
    kind: looksLikeApiToken(split.token) ? 'api_token' : 'session',
    token: split.token,
    source,
    inline: split.inline ?? headerInline,
  };
}

/**
 * What identifies the presented credential for the failure limits (identity.md §13): its token
 * with any inline-MFA suffix dropped (a fresh code does not make it another credential), or the
 * raw value when it does not parse; null when nothing is presented.
 */
export function credentialIdentity(
  headers: Record<string, string | string[] | undefined>,
  sessionCookie: string | undefined,
): string | null {
  const presented = readCredential(headers, sessionCookie);
  if (presented.kind === 'none') return null;
  if (presented.kind === 'session' || presented.kind === 'api_token') return presented.token;
  const authorization = headers.authorization;
  return typeof authorization === 'string' ? authorization : (sessionCookie ?? '');
}
