// Identity headers only the gateway may set (access-control.md §2): deleted on ingress and never
// forwarded from a client to the rack.
export const IDENTITY_HEADERS = [
  'x-user-email',
  'x-user-name',
  'x-auth-source',
  'x-api-token-id',
  'x-api-token-name',
  'x-audit-resource',
] as const;
