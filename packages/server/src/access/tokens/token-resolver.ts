// Plugs API tokens into authentication (identity's ApiTokenResolver): a valid `rgw_…` secret
// becomes a Principal whose permissions are the token list bounded by the owner's current roles;
// a refused one is audited `token.invalid` with its reason (never the secret). A resolved
// principal is remembered for a few seconds under the token's hash (credential-cache.ts), tagged
// with the token and its owner, so updates, deletions and owner changes drop it at once; expiry is
// checked at every request.
import type { AuditLog } from '../../audit/audit-log.js';
import type { ApiTokenResolver, RequestContext } from '../../identity/authenticate.js';
import type { CredentialCache } from '../../identity/credential-cache.js';
import type { Logger } from '../../logging/logger.js';
import type { Principal, PrincipalToken } from '../principal.js';
import { effectiveTokenPermissions } from './token-permissions.js';
import { hashTokenSecret } from './token-secret.js';
import type { ApiTokenRecord, TokenOwner, TokenStore } from './token-store.js';

export interface TokenResolverDeps {
  readonly store: TokenStore;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly cache: CredentialCache;
}

function invalidEvent(context: RequestContext, reason: string, tokenId: string | undefined) {
  return {
    action: 'token.invalid' as const,
    status: 'failed' as const,
    actorType: 'anonymous' as const,
    channel: 'token' as const,
    occurredAt: context.now,
    resource: 'api_token',
    ipAddress: context.ip,
    userAgent: context.userAgent.slice(0, 512),
    requestId: context.requestId,
    details: { reason, ...(tokenId ? { token_id: tokenId } : {}) },
  };
}

const TOUCH_INTERVAL_MS = 60_000;

function principalOf(
  token: ApiTokenRecord,
  owner: TokenOwner,
): Principal & { token: PrincipalToken } {
  return {
    kind: 'api_token',
    user: {
      id: owner.id,
      uid: owner.uid,
      email: owner.email,
      name: owner.name,
      roles: owner.roles,
    },
    session: null,
    token: {
      id: token.uid,
      name: token.name,
      permissions: token.permissions,
      expiresAt: token.expiresAt,
    },
    permissions: effectiveTokenPermissions(token.permissions, owner.roles),
  };
}

export function createTokenResolver(deps: TokenResolverDeps): ApiTokenResolver {
  // last_used_at is written at most once a minute; remembering our own writes keeps that UPDATE
  // off the hot path of every token request (the store's WHERE clause guards other replicas).
  const touched = new Map<string, number>();
  const touch = async (uid: string, ip: string, now: Date): Promise<void> => {
    const last = touched.get(uid);
    if (last !== undefined && now.getTime() - last < TOUCH_INTERVAL_MS) return;
    touched.set(uid, now.getTime());
    await deps.store.touch(uid, ip, now);
  };
  const cache = deps.cache.partition<Principal & { token: PrincipalToken }>();
  return {
    async resolve(secret, context) {
      const key = hashTokenSecret(secret);
      const cached = cache.get(key);
      const expiresAt = cached?.token.expiresAt ?? null;
      if (cached !== undefined && (expiresAt === null || expiresAt > context.now)) {
        await touch(cached.token.id, context.ip, context.now);
        return { ok: true, principal: cached };
      }
      const ticket = cache.ticket();
      const result = await deps.store.resolve(secret, context.now);
      if (!result.ok) {
        deps.audit
          .append(invalidEvent(context, result.reason, result.tokenId), { durable: false })
          .catch((err: unknown) =>
            deps.logger.error({ err }, 'token.invalid could not be enqueued'),
          );
        return { ok: false, ownerLocked: result.reason === 'owner_locked' };
      }
      const { token, owner } = result;
      await touch(token.uid, context.ip, context.now);
      const principal = principalOf(token, owner);
      cache.set(key, [`token:${token.uid}`, `user:${owner.uid}`], principal, ticket);
      return { ok: true, principal };
    },
  };
}
