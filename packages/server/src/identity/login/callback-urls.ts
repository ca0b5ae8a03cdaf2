// The redirect URIs the gateway sends to the identity provider (identity.md §2). Both must be
// registered with the provider's client: without the CLI one, `rack-gateway login` ends on the
// provider's error page. One definition for the routes, the authorization requests and
// `config check`, so what an operator is told to register is what the gateway sends.
export const CALLBACK_PATHS = {
  web: '/api/v1/auth/web/callback',
  cli: '/api/v1/auth/cli/callback',
} as const;

export function callbackUrl(publicUrl: URL, kind: keyof typeof CALLBACK_PATHS): string {
  return `${publicUrl.origin}${CALLBACK_PATHS[kind]}`;
}
