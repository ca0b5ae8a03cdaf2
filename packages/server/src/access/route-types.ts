// The shape of one row of THE route table (access-control.md §8). Every route the gateway serves is
// registered from such a row; the hooks read security decisions from it and nowhere else.

export type MfaLevel = 'none' | 'step_up' | 'always';
export type RouteMethod =
  | 'GET'
  | 'POST'
  | 'PUT'
  | 'PATCH'
  | 'DELETE'
  | 'HEAD'
  | 'OPTIONS'
  | 'SOCKET';
export type RateLimiterName = 'auth' | 'mfa' | 'token_create';

export interface GatewayRoute<P extends string = string, A extends string = string> {
  readonly method: RouteMethod;
  /** Fastify path pattern, full path (e.g. `/api/v1/users/:email`). */
  readonly path: string;
  /**
   * The permission, `public`, or `per_request` for the rack-proxy catch-all, whose rows are
   * resolved from RACK_ROUTES for each request (never granted as such: it fails closed).
   */
  readonly permission: P | 'public' | 'per_request';
  readonly selfPermission?: P;
  readonly mfa: MfaLevel;
  readonly audit: A | null;
  readonly sessionOnly?: true;
  readonly preMfa?: 'any' | 'challenge';
  readonly mfaWaivedWithoutMethods?: true;
  readonly ceremonyStart?: true;
  readonly rateLimit?: RateLimiterName;
  /** For `/convox/*` entries: the rack path this route maps to. */
  readonly forward?: string;
  /** The rack-proxy catch-all: the guard resolves the rack row for each request. */
  readonly rackProxy?: true;
}

export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;
