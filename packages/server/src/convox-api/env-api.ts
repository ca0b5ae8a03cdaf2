// The app environment routes (access-control.md §9.2, §11; audit.md §8.6): read the newest
// release's env masked, reveal secrets (audited per key, durably: the plaintext leaves only once
// the reveal is recorded), and change keys — composed by the gateway with the env rules, then one
// new release through the rack and one event per changed key.
import type { FastifyRequest } from 'fastify';
import { grants } from '../access/permissions.js';
import { appendDurable, appendLater, appendRead, eventFor } from '../access/request-audit.js';
import type { AuditEventInput } from '../audit/audit-log.js';
import {
  type Env,
  type EnvPolicy,
  EnvRuleError,
  formatEnvText,
  isSecretEntry,
  mergeEnv,
  parseEnvText,
} from '../proxy/env-rules.js';
import { afterAttempt, attemptLink, envChangeEvents } from '../proxy/proxy-audit.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import { createEnvRelease, latestRelease } from '../proxy/rack-calls.js';
import type { EnvPatch } from './env-patch.js';
import { type EnvView, envView, maskedKeys } from './env-view.js';

function caller(request: FastifyRequest) {
  const p = request.principal;
  if (p === null) throw new Error('env route reached without a principal');
  return p;
}

async function current(ctx: ProxyContext, request: FastifyRequest, app: string) {
  const [release, policy] = await Promise.all([
    latestRelease(ctx, request, app),
    ctx.envPolicy.forApp(app),
  ]);
  return { release: release?.id ?? null, env: parseEnvText(release?.env ?? ''), policy };
}

/** `GET /apps/:app/env`: masked values; `env.read` names the keys that stayed hidden. */
export async function readAppEnv(
  ctx: ProxyContext,
  request: FastifyRequest,
  app: string,
): Promise<EnvView> {
  const now = await current(ctx, request, app);
  const view = envView(app, now.release, now.env, now.policy, {
    held: caller(request).permissions,
  });
  const event = eventFor(request, {
    action: 'env.read',
    status: 'success',
    resource: app,
    details: { app, masked_keys: maskedKeys(view) },
  });
  await appendRead(ctx.audit, event);
  return view;
}

function secretReadEvent(request: FastifyRequest, app: string, key?: string): AuditEventInput {
  return eventFor(request, {
    action: 'secret.read',
    status: 'success',
    resource: key === undefined ? app : `${app}/${key}`.slice(0, 255),
    details: key === undefined ? { app } : { app, key },
  });
}

/**
 * `GET /apps/:app/env/secrets[?key=]`: plaintext, one `secret.read` per revealed key (the one
 * asked for, or every key that is masked on reads), appended durably before the answer.
 */
export async function revealAppEnv(
  ctx: ProxyContext,
  request: FastifyRequest,
  app: string,
  key: string | undefined,
): Promise<EnvView> {
  const now = await current(ctx, request, app);
  const env = key === undefined ? now.env : new Map([...now.env].filter(([k]) => k === key));
  const view = envView(app, now.release, env, now.policy, 'plaintext');
  const revealed = key === undefined ? maskedKeys(view) : [key];
  const events = revealed.map((k) => secretReadEvent(request, app, k));
  for (const event of events.length > 0 ? events : [secretReadEvent(request, app)])
    await appendDurable(ctx.audit, event);
  return view;
}

/** A refused key is recorded `denied` under the action it would have been. */
function deniedEvent(
  request: FastifyRequest,
  app: string,
  patch: EnvPatch,
  now: { env: Env; policy: EnvPolicy },
  err: EnvRuleError,
): AuditEventInput {
  const kind = patch.set.has(err.key) ? 'set' : 'unset';
  const values = [now.env.get(err.key), patch.set.get(err.key)];
  const scope = isSecretEntry(err.key, now.policy, ...values) ? 'secret' : 'env';
  return eventFor(request, {
    action: `${scope}.${kind}`,
    status: 'denied',
    resource: `${app}/${err.key}`.slice(0, 255),
    rbacDecision: 'deny',
    httpStatus: err.error.status,
    details: { app, key: err.key, old: null, new: null, release_id: '', reason: err.reason },
  });
}

/**
 * `PUT /apps/:app/env`: compose (masks keep, protected keys refused, secret changes need
 * `convox:secret:set`), create the release, record each changed key; `env.update` when nothing
 * changed (no release is created then).
 */
export async function updateAppEnv(
  ctx: ProxyContext,
  request: FastifyRequest,
  app: string,
  patch: EnvPatch,
): Promise<EnvView> {
  const now = await current(ctx, request, app);
  const held = caller(request).permissions;
  let merged: ReturnType<typeof mergeEnv>;
  try {
    const write = { mode: 'patch' as const, set: patch.set, remove: patch.remove };
    merged = mergeEnv(now.env, write, now.policy, grants(held, 'convox:secret:set'));
  } catch (err) {
    if (!(err instanceof EnvRuleError)) throw err;
    appendLater(request, ctx.audit, deniedEvent(request, app, patch, now, err));
    throw err.error;
  }
  if (merged.changes.length === 0) {
    await appendDurable(
      ctx.audit,
      eventFor(request, {
        action: 'env.update',
        status: 'success',
        resource: app,
        details: { changes: 'none' },
      }),
    );
    return envView(app, null, now.env, now.policy, { held });
  }
  // The new release is a rack mutation like a proxied release create: attempt first, then outcome.
  const attempt = eventFor(request, {
    action: 'release.create',
    status: 'attempt',
    resource: app,
    rbacDecision: 'allow',
    details: { method: 'POST', path: `/apps/${app}/releases`, app },
  });
  const { value: release, attemptSeq } = await afterAttempt(ctx.audit, request, attempt, () =>
    createEnvRelease(ctx, request, app, formatEnvText(merged.env)),
  );
  const created: AuditEventInput = {
    ...attempt,
    status: 'success',
    httpStatus: 200,
    resource: release || app,
    details: { ...attempt.details, ...attemptLink(attemptSeq) },
  };
  for (const event of [created, ...envChangeEvents(request, app, release, merged.changes)])
    await appendDurable(ctx.audit, event);
  return envView(app, release, merged.env, now.policy, { held });
}
