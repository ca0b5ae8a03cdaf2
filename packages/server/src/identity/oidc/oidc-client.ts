// The gateway's OpenID Connect client (identity.md §2) on openid-client: discovery with
// exponential backoff (100 ms doubling, capped at 2 s, given up after
// OIDC_DISCOVERY_TIMEOUT_SECONDS), client_secret_basic, code flow with state, nonce and PKCE S256,
// ID tokens verified against the issuer's JWKS with 60 s clock tolerance.
import * as oidc from 'openid-client';
import type { Config } from '../../config/types.js';
import { GatewayError } from '../../http/errors.js';

export class IdpUnavailableError extends GatewayError {
  constructor(cause: unknown) {
    super(503, 'idp_unavailable', {
      message: 'The identity provider cannot be reached; try again shortly.',
      expose: true,
      cause,
    });
  }
}

/** The code exchange or the ID token failed a check (wrapped, original kept as cause). */
export class ExchangeFailedError extends Error {
  constructor(cause: unknown) {
    super('authorization code exchange failed', { cause });
    this.name = 'ExchangeFailedError';
  }
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface OidcClient {
  /** Discovers the issuer (retrying with backoff); resolves once the client can be used. */
  ready(): Promise<void>;
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /** Exchanges the code of `callbackUrl`; returns the verified ID token claims. */
  exchange(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Readonly<Record<string, unknown>>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createOidcClient(config: Config): OidcClient {
  const o = config.oidc;
  let configuration: Promise<oidc.Configuration> | null = null;

  const discoverOnce = () =>
    oidc.discovery(
      o.issuer,
      o.clientId,
      { client_secret: o.clientSecret, [oidc.clockTolerance]: 60 },
      oidc.ClientSecretBasic(o.clientSecret),
      { execute: o.allowInsecureHttp ? [oidc.allowInsecureRequests] : [], timeout: 10 },
    );

  const discoverWithBackoff = async (): Promise<oidc.Configuration> => {
    const deadline = Date.now() + o.discoveryTimeoutSeconds * 1000;
    let delay = 100;
    for (;;) {
      try {
        return await discoverOnce();
      } catch (err) {
        if (Date.now() + delay >= deadline) throw new IdpUnavailableError(err);
        await sleep(delay);
        delay = Math.min(delay * 2, 2000);
      }
    }
  };

  const get = (): Promise<oidc.Configuration> => {
    configuration ??= discoverWithBackoff().catch((err: unknown) => {
      configuration = null; // the next use tries again
      throw err;
    });
    return configuration;
  };

  return {
    async ready() {
      await get();
    },
    async authorizationUrl(req) {
      const params: Record<string, string> = {
        redirect_uri: req.redirectUri,
        scope: o.scopes,
        state: req.state,
        nonce: req.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(req.codeVerifier),
        code_challenge_method: 'S256',
      };
      if (o.profile === 'google') {
        params.prompt = 'select_account';
        const [only] = o.allowedDomains;
        if (only !== undefined && o.allowedDomains.length === 1) params.hd = only;
      }
      return oidc.buildAuthorizationUrl(await get(), params);
    },
    async exchange(callbackUrl, checks) {
      const cfg = await get();
      try {
        const tokens = await oidc.authorizationCodeGrant(cfg, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined) throw new Error('no ID token in the token response');
        return claims;
      } catch (err) {
        throw new ExchangeFailedError(err);
      }
    },
  };
}
