// The gateway's OpenID Connect client (identity.md §2) on openid-client: client_secret_basic, code
// flow with state, nonce and PKCE S256, 60 s clock tolerance. Every ID token's signature is
// verified against the issuer's JWKS (openid-client checks the claims but, for a token received
// over TLS from the token endpoint, not the signature; a rewritten response must not sign anyone
// in). Discovery runs in the background and retries until the issuer answers (oidc-discovery.ts),
// so an IdP outage at start refuses interactive logins only.
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Config } from '../../config/types.js';
import { GatewayError } from '../../http/errors.js';
import { classifyExchangeError, ExchangeFailedError } from './exchange-errors.js';
import {
  createDiscovery,
  type Discovery,
  type DiscoveryLog,
  type IdpStatus,
} from './oidc-discovery.js';

export { ExchangeFailedError } from './exchange-errors.js';
export type { IdpStatus } from './oidc-discovery.js';

export class IdpUnavailableError extends GatewayError {
  constructor(cause: unknown) {
    super(503, 'idp_unavailable', {
      message: 'The identity provider cannot be reached; try again shortly.',
      expose: true,
      cause,
    });
  }
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface OidcClient {
  /** Starts discovery in the background (retrying until the issuer answers); returns at once. */
  start(): void;
  /** Resolves once the issuer has been discovered (tests; rejects when an attempt fails). */
  ready(): Promise<void>;
  /** `ok` once discovered; `discovering` until then; `unavailable` after the retry budget. */
  status(): IdpStatus;
  /** Stops background retries. */
  close(): void;
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /** Exchanges the code of `callbackUrl`; returns the verified ID token claims. */
  exchange(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Readonly<Record<string, unknown>>>;
}

/** Signature algorithms the gateway accepts for ID tokens: asymmetric only (never `none`/HS*). */
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

interface Discovered {
  readonly configuration: oidc.Configuration;
  readonly keys: JWTVerifyGetKey;
  readonly algorithms: string[];
}

function verifierFor(configuration: oidc.Configuration): Discovered {
  const metadata = configuration.serverMetadata();
  if (metadata.jwks_uri === undefined)
    throw new Error('the issuer publishes no jwks_uri, so ID token signatures cannot be verified');
  const advertised = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  const algorithms = advertised.filter((alg) => ASYMMETRIC.test(alg));
  if (algorithms.length === 0)
    throw new Error(
      `the issuer signs ID tokens only with ${advertised.join(', ')}; rack-gateway needs an asymmetric algorithm (RS256, ES256, …)`,
    );
  // No cooldown: an unknown `kid` (a key rotation) fetches the key set again at once. Only ID
  // tokens from a successful code exchange reach this, so refetches are bounded by logins.
  const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
    cooldownDuration: 0,
    timeoutDuration: 10_000,
  });
  return { configuration, keys, algorithms };
}

export function createOidcClient(config: Config, logger: DiscoveryLog): OidcClient {
  const o = config.oidc;
  const discovery: Discovery<Discovered> = createDiscovery({
    issuer: o.issuer.href,
    unavailableAfterMs: o.discoveryTimeoutSeconds * 1000,
    logger,
    attempt: async () =>
      verifierFor(
        await oidc.discovery(
          o.issuer,
          o.clientId,
          { client_secret: o.clientSecret, [oidc.clockTolerance]: 60 },
          oidc.ClientSecretBasic(o.clientSecret),
          { execute: o.allowInsecureHttp ? [oidc.allowInsecureRequests] : [], timeout: 10 },
        ),
      ),
  });
  const get = async (): Promise<Discovered> => {
    try {
      return await discovery.get();
    } catch (err) {
      throw new IdpUnavailableError(err);
    }
  };

  const verifySignature = async (d: Discovered, idToken: string) => {
    await jwtVerify(idToken, d.keys, {
      issuer: d.configuration.serverMetadata().issuer,
      audience: o.clientId,
      algorithms: d.algorithms,
      clockTolerance: 60,
    });
  };

  return {
    start: () => discovery.start(),
    ready: async () => void (await get()),
    status: () => discovery.status(),
    close: () => discovery.close(),
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
      return oidc.buildAuthorizationUrl((await get()).configuration, params);
    },
    async exchange(callbackUrl, checks) {
      const d = await get();
      try {
        const tokens = await oidc.authorizationCodeGrant(d.configuration, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined || tokens.id_token === undefined)
          throw new ExchangeFailedError('invalid', 'no ID token in the token response');
        await verifySignature(d, tokens.id_token);
        return claims;
      } catch (err) {
        throw classifyExchangeError(err);
      }
    },
  };
}
