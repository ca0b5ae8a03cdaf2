/// <reference path="./oidc-provider.d.ts" />
// The oidc-provider instance behind the mock: confidential clients with PKCE (S256) required,
// authorization code only, Google-shaped claims in the ID token, a fresh RS256 signing key per
// start (and per key rotation), and a sign-in page that is shown on every authorization (so a browser can switch users).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { interactionPolicy, type OidcContext } from 'oidc-provider';
import { claimsOf, type MockIdpUser } from './users.js';

export interface MockIdpClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

function signingKey(kid: string): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

function policy() {
  const { base, Prompt, Check } = interactionPolicy;
  const prompts = base();
  // Google's `prompt=select_account`: accepted and answered by the same sign-in page.
  prompts.add(new Prompt({ name: 'select_account', requestable: true }), 0);
  // Always let the person pick an account, even with a live IdP session.
  prompts
    .get('login')
    ?.checks.add(
      new Check('pick_account', 'the person picks an account', (ctx) =>
        ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );
  return prompts;
}

/** First-party clients: consent is implied, the grant is created on first use. */
async function loadExistingGrant(ctx: OidcContext) {
  const { oidc } = ctx;
  const clientId = oidc.client?.clientId;
  const accountId = oidc.session?.accountId;
  if (clientId === undefined || accountId === undefined) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
  if (grantId) return oidc.provider.Grant.find(grantId);
  const grant = new oidc.provider.Grant({ clientId, accountId });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

const escapeHtml = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function createProvider(
  issuer: string,
  clients: readonly MockIdpClient[],
  users: readonly MockIdpUser[],
  kid = 'mock-idp-1',
): Provider {
  const bySub = new Map(users.map((u) => [u.sub, u]));
  return new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [...c.redirectUris],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    async findAccount(_ctx: OidcContext, sub: string) {
      const user = bySub.get(sub);
      if (user === undefined) return undefined;
      return { accountId: sub, claims: async () => claimsOf(user) };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified', 'hd'],
      profile: ['name'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: {
      policy: policy(),
      url: (_ctx: OidcContext, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    loadExistingGrant,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [signingKey(kid)] },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600 },
    async renderError(ctx: OidcContext, out: Record<string, unknown>) {
      ctx.type = 'html';
      const text = Object.entries(out)
        .map(([k, v]) => `<li>${escapeHtml(k)}: ${escapeHtml(String(v))}</li>`)
        .join('');
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mock IdP error</title></head><body><h1>Sign-in failed</h1><ul>${text}</ul></body></html>`;
    },
  });
}
