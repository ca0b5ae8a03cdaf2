// The shape of one row of THE route table (access-control.md §8). Every route the gateway serves is
// registered from such a row; the hooks read security decisions from it and nowhere else.

export type MfaLevel = 'none' | 'step_up' | 'always';
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'SOCKET';
export type RateLimiterName = 'auth' | 'mfa' | 'token_create';

export interface GatewayRoute<P extends string = string, A extends string = string> {
  readonly method: RouteMethod;
  /** Fastify path pattern, full path (e.g. `/api/v1/users/:email`). */
  readonly path: string;
  readonly permission: P | 'public';
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
}

export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;
