// API token administration as plain functions (access-control.md §7): creation and changes are
// bounded by what the caller holds now; a self-scoped caller only reaches tokens they own. Each
// change is audited durably once it is committed.
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../../audit/audit-log.js';
import { BadRequestError, ForbiddenError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { permissionDeniedMessage } from '../decision.js';
import { appendDurable, eventFor } from '../request-audit.js';
import {
  assertWithinCreator,
  requestedPermissions,
  validateTokenPermissions,
} from './token-permissions.js';
import type { ApiTokenRecord, TokenChanges, TokenStore } from './token-store.js';

export interface TokenAdminDeps {
  readonly store: TokenStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export interface CreateTokenInput {
  readonly name: string;
  readonly permissions?: readonly string[];
  readonly role?: string;
  readonly expires_at?: string | null;
}

export interface UpdateTokenInput {
  readonly name?: string;
  readonly permissions?: readonly string[];
  readonly expires_at?: string | null;
}

function caller(request: FastifyRequest) {
  const p = request.principal;
  if (p === null) throw new ForbiddenError('permission_denied', 'Sign in first.');
  return p;
}

function tokenName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 150) {
    throw new BadRequestError('invalid_name', 'A token name needs 1 to 150 characters.');
  }
  return name;
}

function expiry(raw: string | null | undefined, now: Date): Date | null {
  if (raw === undefined || raw === null) return null;
  const at = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(raw)
    ? new Date(raw)
    : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    throw new BadRequestError(
      'invalid_expires_at',
      'expires_at must be an RFC 3339 time such as 2026-12-31T00:00:00Z.',
    );
  }
  if (at.getTime() <= now.getTime())
    throw new BadRequestError('invalid_expires_at', 'expires_at must be in the future.');
  return at;
}

/** A self-scoped caller may only reach their own tokens (access-control.md §6.3). */
export async function visibleToken(
  deps: TokenAdminDeps,
  request: FastifyRequest,
  tokenId: string,
): Promise<ApiTokenRecord> {
  const token = await deps.store.get(tokenId);
  const principal = caller(request);
  if (request.access?.scope === 'self' && token.ownerUserId !== principal.user.id) {
    const permission = request.access.route.permission;
    throw new ForbiddenError('permission_denied', permissionDeniedMessage(String(permission)), {
      headers: { 'x-required-permission': String(permission) },
      extra: { permission },
    });
  }
  return token;
}

export async function createToken(
  deps: TokenAdminDeps,
  request: FastifyRequest,
  input: CreateTokenInput,
) {
  const principal = caller(request);
  const now = deps.clock.now();
  const permissions = validateTokenPermissions(requestedPermissions(input));
  assertWithinCreator(permissions, principal.permissions);
  const created = await deps.store.create(
    {
      name: tokenName(input.name),
      ownerUserId: principal.user.id,
      permissions,
      expiresAt: expiry(input.expires_at, now),
    },
    now,
  );
  const { token } = created;
  await appendDurable(
    deps.audit,
    eventFor(request, {
      action: 'api_token.create',
      status: 'success',
      resource: token.uid,
      details: {
        name: token.name,
        owner_email: token.ownerEmail,
        permissions: [...token.permissions],
        expires_at: token.expiresAt?.toISOString() ?? null,
      },
    }),
  );
  return created;
}

function diff<T>(key: string, old: T, next: T | undefined, out: Record<string, unknown>): void {
  if (next !== undefined && JSON.stringify(old) !== JSON.stringify(next))
    out[key] = { old, new: next };
}

export async function updateToken(
  deps: TokenAdminDeps,
  request: FastifyRequest,
  tokenId: string,
  input: UpdateTokenInput,
) {
  const principal = caller(request);
  const current = await visibleToken(deps, request, tokenId);
  const changes: { -readonly [K in keyof TokenChanges]: TokenChanges[K] } = {};
  if (input.name !== undefined) changes.name = tokenName(input.name);
  if (input.permissions !== undefined) {
    changes.permissions = validateTokenPermissions([
      ...new Set(input.permissions.map((p) => p.trim())),
    ]);
    assertWithinCreator(changes.permissions, principal.permissions);
  }
  if (input.expires_at !== undefined)
    changes.expiresAt = expiry(input.expires_at, deps.clock.now());
  const updated = await deps.store.update(current.uid, changes);
  const details: Record<string, unknown> = {};
  diff('name', current.name, changes.name, details);
  diff('permissions', current.permissions, changes.permissions, details);
  diff(
    'expires_at',
    current.expiresAt?.toISOString() ?? null,
    changes.expiresAt === undefined ? undefined : (changes.expiresAt?.toISOString() ?? null),
    details,
  );
  await appendDurable(
    deps.audit,
    eventFor(request, {
      action: 'api_token.update',
      status: 'success',
      resource: updated.uid,
      details: { changes: details },
    }),
  );
  return updated;
}

export async function deleteToken(
  deps: TokenAdminDeps,
  request: FastifyRequest,
  tokenId: string,
): Promise<void> {
  const current = await visibleToken(deps, request, tokenId);
  await deps.store.remove(current.uid);
  await appendDurable(
    deps.audit,
    eventFor(request, {
      action: 'api_token.delete',
      status: 'success',
      resource: current.uid,
      details: { name: current.name, owner_email: current.ownerEmail },
    }),
  );
}
