// The accounts the mock IdP lets a person pick: the four demo users with stable subjects and
// verified e-mails in the `example.com` Workspace, plus accounts that exercise the gateway's
// refusals (another domain, an unverified e-mail, a consumer account without `hd`, no e-mail).

export interface MockIdpUser {
  /** Stable OIDC subject. */
  readonly sub: string;
  readonly email: string | null;
  readonly name: string;
  readonly emailVerified: boolean;
  /** Google Workspace domain claim; null for consumer accounts. */
  readonly hd: string | null;
  /** What the sign-in page says about the account. */
  readonly note: string;
}

const workspace = (sub: string, local: string, name: string, note: string): MockIdpUser => ({
  sub,
  email: `${local}@example.com`,
  name,
  emailVerified: true,
  hd: 'example.com',
  note,
});

export const DEFAULT_USERS: readonly MockIdpUser[] = [
  workspace('mock-sub-admin-0001', 'admin', 'Admin User', 'demo admin'),
  workspace('mock-sub-deployer-0002', 'deployer', 'Deployer User', 'demo deployer'),
  workspace('mock-sub-ops-0003', 'ops', 'Ops User', 'demo ops'),
  workspace('mock-sub-viewer-0004', 'viewer', 'Viewer User', 'demo viewer'),
  {
    sub: 'mock-sub-outsider-0005',
    email: 'outsider@outside.example',
    name: 'Outside User',
    emailVerified: true,
    hd: 'outside.example',
    note: 'another domain: refused',
  },
  {
    sub: 'mock-sub-unverified-0006',
    email: 'unverified@example.com',
    name: 'Unverified User',
    emailVerified: false,
    hd: 'example.com',
    note: 'unverified e-mail: refused',
  },
  {
    sub: 'mock-sub-consumer-0007',
    email: 'consumer@example.com',
    name: 'Consumer Account',
    emailVerified: true,
    hd: null,
    note: 'no Workspace domain (hd): refused by the Google profile',
  },
  {
    sub: 'mock-sub-noemail-0008',
    email: null,
    name: 'No E-mail',
    emailVerified: false,
    hd: null,
    note: 'no e-mail claim: refused',
  },
];

/** The claims the provider releases for `user` (Google's shape: `hd`, `email_verified`). */
export function claimsOf(user: MockIdpUser): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.sub, name: user.name };
  if (user.email !== null) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (user.hd !== null) claims.hd = user.hd;
  return claims;
}
