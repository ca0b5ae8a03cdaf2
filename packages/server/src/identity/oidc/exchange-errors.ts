// Why a code exchange failed, in terms an operator can act on (identity.md §3): the provider could
// not be reached (retry), it refused the gateway's client credentials (an admin must fix
// OIDC_CLIENT_ID / OIDC_CLIENT_SECRET), it refused the code (start again), or its answer failed
// verification (signature, issuer, audience, nonce, expiry: an admin must look). The detail names
// status codes and OAuth error codes only, never the secret or the tokens.
import { errors as joseErrors } from 'jose';
import * as oidc from 'openid-client';

export type ExchangeFailure = 'idp_unavailable' | 'client_rejected' | 'code_rejected' | 'invalid';

export class ExchangeFailedError extends Error {
  constructor(
    readonly kind: ExchangeFailure,
    readonly detail: string,
    options: { cause?: unknown } = {},
  ) {
    super(`authorization code exchange failed: ${detail}`, options);
    this.name = 'ExchangeFailedError';
  }
}

const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

function fromTokenEndpoint(err: oidc.ResponseBodyError): ExchangeFailedError {
  const detail = `the token endpoint answered ${err.status} ${err.error}`;
  if (CLIENT_ERRORS.has(err.error) || err.status === 401)
    return new ExchangeFailedError('client_rejected', detail, { cause: err });
  if (err.error === 'invalid_grant')
    return new ExchangeFailedError('code_rejected', detail, { cause: err });
  if (err.status >= 500) return new ExchangeFailedError('idp_unavailable', detail, { cause: err });
  return new ExchangeFailedError('code_rejected', detail, { cause: err });
}

/** The HTTP status of a response openid-client refused as not conforming (e.g. a 502 page). */
function nonConformingStatus(err: oidc.ClientError): number | null {
  const cause = err.cause;
  return cause instanceof Response ? cause.status : null;
}

const networkMessage = (err: Error): string => {
  const cause = err.cause;
  return cause instanceof Error && cause.message !== '' ? cause.message : err.message;
};

function isNetworkError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  return err instanceof TypeError && err.message === 'fetch failed';
}

/** The OAuth error code of a 401 challenge (`WWW-Authenticate: Basic error="invalid_client"`). */
function challengeError(err: oidc.WWWAuthenticateChallengeError): string {
  const code = err.cause.map((c) => c.parameters.error).find((e) => e !== undefined);
  return code ?? 'with a WWW-Authenticate challenge';
}

function fromClientError(err: oidc.ClientError): ExchangeFailedError {
  const status = nonConformingStatus(err);
  if (status !== null && status >= 500)
    return new ExchangeFailedError('idp_unavailable', `the token endpoint answered ${status}`, {
      cause: err,
    });
  if (status === 401)
    return new ExchangeFailedError('client_rejected', 'the token endpoint answered 401', {
      cause: err,
    });
  return new ExchangeFailedError('invalid', `${err.code ?? 'error'}: ${err.message}`, {
    cause: err,
  });
}

export function classifyExchangeError(err: unknown): ExchangeFailedError {
  if (err instanceof ExchangeFailedError) return err;
  if (err instanceof oidc.ResponseBodyError) return fromTokenEndpoint(err);
  if (err instanceof oidc.WWWAuthenticateChallengeError)
    return new ExchangeFailedError(
      'client_rejected',
      `the token endpoint answered ${err.status} ${challengeError(err)}`,
      { cause: err },
    );
  if (isNetworkError(err))
    return new ExchangeFailedError(
      'idp_unavailable',
      `the identity provider could not be reached (${networkMessage(err)})`,
      { cause: err },
    );
  if (err instanceof joseErrors.JWKSTimeout)
    return new ExchangeFailedError('idp_unavailable', 'fetching the JWKS timed out', {
      cause: err,
    });
  if (err instanceof joseErrors.JOSEError)
    return new ExchangeFailedError('invalid', `ID token rejected: ${err.code} (${err.message})`, {
      cause: err,
    });
  if (err instanceof oidc.ClientError) return fromClientError(err);
  return new ExchangeFailedError('invalid', (err as Error)?.message ?? String(err), { cause: err });
}
