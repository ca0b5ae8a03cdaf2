// The gateway's cookies (identity.md §8): HttpOnly, SameSite=Lax, Path=/, never a Domain, Secure
// unless PUBLIC_URL is plain http (COOKIE_SECURE overrides), and `__Host-` prefixed exactly when
// Secure is set.
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../config/types.js';

export interface CookieNames {
  readonly session: string;
  readonly login: string;
  readonly trustedDevice: string;
}

export function cookieNames(config: Config): CookieNames {
  const prefix = config.server.cookieSecure ? '__Host-' : '';
  return {
    session: `${prefix}rgw_session`,
    login: `${prefix}rgw_login`,
    trustedDevice: `${prefix}rgw_trusted_device`,
  };
}

/** Both spellings of the session cookie (the rack proxy refuses either). */
export const SESSION_COOKIE_NAMES = ['rgw_session', '__Host-rgw_session'] as const;

export function cookieOptions(config: Config, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.server.cookieSecure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

export const LOGIN_COOKIE_MAX_AGE = 600;
