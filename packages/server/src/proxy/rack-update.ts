// `PUT /system` through the proxy (audit.md §8.5): the `rack.update` event names each parameter the
// request changes, `{PARAM: {old, new}}`, read against the rack's current parameters; values of
// parameters secret-looking by name or value are recorded as `[REDACTED]`, never in clear.
import type { Readable } from 'node:stream';
import { decodeGoForm, firstValue } from '@rack-gateway/convox';
import type { FastifyRequest } from 'fastify';
import { isSecretParameter } from './env-rules.js';
import type { ProxyContext } from './proxy-context.js';
import { rackJson } from './rack-calls.js';
import { FORM_LIMIT_BYTES, readBounded } from './read-body.js';
import { parseForm } from './request-policy.js';

const REDACTED = '[REDACTED]';

export type ParameterChanges = Record<string, { old: string | null; new: string }>;

export function parameterChanges(
  current: Readonly<Record<string, unknown>>,
  requested: ReadonlyMap<string, string>,
  secretNames: readonly string[],
): ParameterChanges {
  const changes: ParameterChanges = {};
  for (const [name, value] of [...requested].sort(([a], [b]) => a.localeCompare(b))) {
    const old = name in current ? String(current[name]) : null;
    if (old === value) continue;
    changes[name] = isSecretParameter(name, secretNames, old, value)
      ? { old: old === null ? null : REDACTED, new: REDACTED }
      : { old, new: value };
  }
  return changes;
}

/** Reads the form (≤ 1 MiB), works out the parameter diff, and forwards the same bytes. */
export async function prepareRackUpdate(
  ctx: ProxyContext,
  request: FastifyRequest,
  raw: Readable,
): Promise<{ body: Buffer; changes: ParameterChanges }> {
  const body = await readBounded(raw, FORM_LIMIT_BYTES);
  const encoded = firstValue(parseForm(body), 'parameters') ?? '';
  const requested = new Map([...decodeGoForm(encoded, true)].map(([k, v]) => [k, v.at(-1) ?? '']));
  if (requested.size === 0) return { body, changes: {} };
  const system = await rackJson<{ parameters?: Record<string, unknown> }>(
    ctx,
    request,
    'GET',
    '/system',
  );
  return {
    body,
    changes: parameterChanges(system.parameters ?? {}, requested, ctx.config.rack.secretEnvVars),
  };
}
