// Turns any failure into the one CliError the user sees (cli.md §10): HTTP failures from the
// gateway API and the rack proxy by status and gateway reason, connection and TLS failures, broken
// streams. Messages never contain credentials.
import {
  RackHttpError,
  RackNetworkError,
  RackProtocolError,
  RackRequestError,
  RackStreamError,
} from '@rack-gateway/convox';
import type { Credential } from '../config/selection.js';
import { CliError, EXIT } from '../errors.js';
import { GatewayHttpError, GatewayUnreachableError, type HttpFailure } from './gateway-http.js';

export interface ErrorContext {
  readonly rack?: string;
  readonly gatewayUrl?: string;
  readonly roles?: readonly string[];
  readonly credential?: Credential;
}

/** The HTTP failure inside an error from either client, if it is one. */
export function failureOf(err: unknown): HttpFailure | undefined {
  if (err instanceof GatewayHttpError) return err;
  if (err instanceof RackHttpError)
    return {
      status: err.status,
      headers: err.headers,
      message: err.message,
      code: err.headers['x-error-reason'],
    };
  return undefined;
}

/** After a lock every credential of the user gets 403 `account_locked` (never "session expired"). */
export const ACCOUNT_LOCKED = 'account locked: ask an admin';

function retryAfter(f: HttpFailure): string {
  const seconds = Number.parseInt(f.headers['retry-after'] ?? '', 10);
  return Number.isFinite(seconds) ? `; retry in ${seconds} s` : '';
}

/** A session the gateway no longer accepts, by how it ended (the denial reasons of decision.ts). */
const SESSION_ENDED: Readonly<Record<string, (rack: string) => string>> = {
  session_expired: (rack) => `Your session for ${rack} has expired`,
  session_signed_out: (rack) => `You signed out of this session for ${rack}`,
  session_revoked: (rack) =>
    `Your session for ${rack} was revoked (from a session list, or by an admin change to your account)`,
};

function authFailure(f: HttpFailure, ctx: ErrorContext): CliError {
  const details = { status: f.status, reason: f.code };
  const cred = ctx.credential;
  const rack = ctx.rack ?? '<rack>';
  if (cred?.kind === 'api_token') {
    const where = cred.source === 'env' ? 'in RACK_GATEWAY_API_TOKEN' : 'given with --api-token';
    return new CliError(
      `The API token ${where} was rejected (${f.code ?? 'unauthenticated'})`,
      EXIT.auth,
      details,
    );
  }
  const ended =
    f.code !== undefined && Object.hasOwn(SESSION_ENDED, f.code)
      ? SESSION_ENDED[f.code]
      : undefined;
  if (ended !== undefined)
    return new CliError(`${ended(rack)}. Run: rack-gateway login ${rack}`, EXIT.auth, details);
  return new CliError(`Not authenticated with ${rack} (${f.code ?? f.message})`, EXIT.auth, {
    ...details,
    hint: `Run: rack-gateway login ${rack}`,
  });
}

function forbidden(f: HttpFailure, ctx: ErrorContext): CliError {
  const details = { status: f.status, reason: f.code };
  if (f.headers['x-mfa-required'] === 'enrollment' || f.code === 'mfa_enrollment_required')
    return new CliError(
      `Set up multi-factor authentication at ${ctx.gatewayUrl ?? '<gateway>'}/app/account/security`,
      EXIT.mfa,
      details,
    );
  if (f.code === 'account_locked') return new CliError(ACCOUNT_LOCKED, EXIT.mfa, details);
  const permission = f.headers['x-required-permission'];
  if (permission === undefined) return new CliError(f.message, EXIT.forbidden, details);
  const roles = ctx.roles && ctx.roles.length > 0 ? ` (your roles: ${ctx.roles.join(', ')})` : '';
  return new CliError(`Permission denied: requires ${permission}${roles}`, EXIT.forbidden, details);
}

function notFound(f: HttpFailure): CliError {
  const details = { status: f.status, reason: f.code };
  if (f.code === 'route_not_allowed')
    return new CliError(
      'This operation is not available through rack-gateway',
      EXIT.notFound,
      details,
    );
  const m = /^(app|build|release|process|service|object|instance) not found: (.+)$/.exec(f.message);
  const message = m
    ? `${(m[1] ?? '').replace(/^./, (c) => c.toUpperCase())} "${m[2]}" not found`
    : f.message;
  return new CliError(message, EXIT.notFound, details);
}

function serverFailure(f: HttpFailure): CliError {
  const details = { status: f.status, reason: f.code };
  if (f.status === 502)
    return new CliError('The gateway cannot reach the rack', EXIT.unavailable, {
      ...details,
      hint: f.message,
    });
  // After forwarding, the gateway says the request reached the rack: a retry would repeat it.
  if (f.code === 'audit_unavailable')
    return new CliError(
      /reached the rack/.test(f.message)
        ? f.message
        : "The gateway's audit log is unavailable; changes are refused until it recovers",
      EXIT.unavailable,
      details,
    );
  if (f.status === 504)
    return new CliError('The rack did not answer the gateway in time', EXIT.unavailable, details);
  return new CliError(
    `The gateway failed (HTTP ${f.status}): ${f.message}`,
    EXIT.unavailable,
    details,
  );
}

export function httpFailureError(f: HttpFailure, ctx: ErrorContext): CliError {
  const details = { status: f.status, reason: f.code };
  const mfa = f.headers['x-mfa-required'];
  switch (f.status) {
    case 401:
      if (mfa === 'step-up' || mfa === 'always')
        return new CliError(
          `MFA (${mfa}) required. Re-run with --mfa-code <code> or run rack-gateway mfa first.`,
          EXIT.mfa,
          details,
        );
      return authFailure(f, ctx);
    case 403:
      return forbidden(f, ctx);
    case 404:
      return notFound(f);
    case 409:
      return new CliError(f.message, EXIT.conflict, details);
    case 429:
      if (f.code === 'mfa_too_many_attempts')
        return new CliError(`Too many MFA attempts${retryAfter(f)}`, EXIT.mfa, details);
      return new CliError(`Rate limited by the gateway${retryAfter(f)}`, EXIT.rateLimited, details);
    default:
      return f.status >= 500 ? serverFailure(f) : new CliError(f.message, EXIT.failed, details);
  }
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const NETWORK_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
};

function rootCode(err: unknown): { code: string | undefined; message: string } {
  let current: unknown = err;
  let last = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    last = current.message;
    if (typeof code === 'string' && (NETWORK_TEXT[code] || TLS_CODE.test(code)))
      return { code, message: last };
    current = current.cause;
  }
  return { code: undefined, message: last };
}

export function unreachableError(err: unknown, gatewayUrl: string): CliError {
  const { code, message } = rootCode(err);
  const host = (() => {
    try {
      return new URL(gatewayUrl).host;
    } catch {
      return gatewayUrl;
    }
  })();
  if (code !== undefined && TLS_CODE.test(code))
    return new CliError(
      `TLS verification failed for ${host}: ${message} (${code})`,
      EXIT.unavailable,
      {
        hint: 'For local development only, RACK_GATEWAY_INSECURE_TLS=1 disables certificate checks.',
      },
    );
  const reason = (code && NETWORK_TEXT[code]) || message;
  return new CliError(`Cannot reach the gateway at ${gatewayUrl} (${reason})`, EXIT.unavailable);
}

export function toCliError(err: unknown, ctx: ErrorContext): CliError {
  if (err instanceof CliError) return err;
  const failure = failureOf(err);
  if (failure) return httpFailureError(failure, ctx);
  if (err instanceof GatewayUnreachableError) return unreachableError(err.cause, err.url);
  if (err instanceof RackNetworkError) return unreachableError(err, ctx.gatewayUrl ?? 'gateway');
  if (err instanceof RackStreamError)
    return new CliError(`Connection to the gateway was lost: ${err.message}`, EXIT.unavailable);
  if (err instanceof RackRequestError) return new CliError(err.message, EXIT.usage);
  if (err instanceof RackProtocolError)
    return new CliError(`Unexpected answer from the gateway: ${err.message}`, EXIT.failed);
  if (err instanceof Error && err.name === 'AbortError')
    return new CliError('Interrupted', EXIT.interrupted);
  return new CliError(err instanceof Error ? err.message : String(err), EXIT.failed);
}
