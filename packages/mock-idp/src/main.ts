// `npm run mock-idp`: the mock IdP standalone on port 3345 (MOCK_IDP_PORT overrides), with one
// client for a gateway on http://localhost:8447 (MOCK_IDP_CLIENT_ID / _CLIENT_SECRET /
// _GATEWAY_URL override), matching OIDC_CLIENT_ID / OIDC_CLIENT_SECRET / PUBLIC_URL there.
import { startMockIdp } from './server.js';

const env = (name: string, fallback: string): string => process.env[name]?.trim() || fallback;
const port = Number(env('MOCK_IDP_PORT', '3345'));
const clientId = env('MOCK_IDP_CLIENT_ID', 'rack-gateway-demo');
const clientSecret = env('MOCK_IDP_CLIENT_SECRET', 'rack-gateway-demo-secret');
const gateway = env('MOCK_IDP_GATEWAY_URL', 'http://localhost:8447');
const idp = await startMockIdp({
  port,
  clients: [
    {
      clientId,
      clientSecret,
      redirectUris: [`${gateway}/api/v1/auth/web/callback`, `${gateway}/api/v1/auth/cli/callback`],
    },
  ],
});
process.stdout.write(
  `mock IdP listening on ${idp.issuer} (client ${clientId}, redirects to ${gateway})\n`,
);
const stop = (): void => {
  idp.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
