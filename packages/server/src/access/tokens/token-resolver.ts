// Plugs API tokens into authentication (identity's ApiTokenResolver): a valid `rgw_…` secret
// becomes a Principal whose permissions are the token list bounded by the owner's current roles;
// a refused one is audited `token.invalid` with its reason (never the secret).
import type { AuditLog } from '../../audit/audit-log.js';
import type { ApiTokenResolver, RequestContext } from '../../identity/authenticate.js';
import type { Logger } from '../../logging/logger.js';
import type { Principal } from '../principal.js';
import { effectiveTokenPermissions } from './token-permissions.js';
import type { TokenStore } from './token-store.js';

export interface TokenResolverDeps {
  readonly store: TokenStore;
  readonly audit: AuditLog;
  readonly logger: Logger;
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
  return {
    async resolve(secret, context) {
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
      const principal: Principal = {
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
      return { ok: true, principal };
    },
  };
}
