// Site routes and health: public, never audited (access-control.md §9.1, first row).
import type { GatewayRoute } from '../route-types.js';

const publicRead = (path: string): GatewayRoute => ({
  method: 'GET',
  path,
  permission: 'public',
  mfa: 'none',
  audit: null,
});

export const SITE_ROUTES: readonly GatewayRoute[] = [
  publicRead('/api/v1/health'),
  publicRead('/openapi.json'),
  publicRead('/'),
  publicRead('/app'),
  publicRead('/app/*'),
  publicRead('/favicon.ico'),
  publicRead('/robots.txt'),
];
