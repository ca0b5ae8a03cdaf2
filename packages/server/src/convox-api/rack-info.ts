// `GET /api/v1/rack` (access-control.md §9.2; web-ui.md §7.1): the rack's system information for
// the overview page, with the gateway's name for the rack and every secret-looking parameter value
// masked (section 11 rules on parameter names and values).
import type { FastifyRequest } from 'fastify';
import { ENV_MASK, isSecretParameter } from '../proxy/env-rules.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import { rackJson } from '../proxy/rack-calls.js';

type System = Record<string, unknown> & { parameters?: Record<string, unknown> };

export function maskParameters(
  parameters: Record<string, unknown>,
  secretNames: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters))
    out[name] = isSecretParameter(name, secretNames, value) ? ENV_MASK : value;
  return out;
}

export async function rackInfo(ctx: ProxyContext, request: FastifyRequest) {
  const system = await rackJson<System>(ctx, request, 'GET', '/system');
  const secretNames = ctx.config.rack.secretEnvVars;
  return {
    alias: ctx.config.rack.alias,
    display_name: ctx.config.rack.displayName,
    system: {
      ...system,
      ...(system.parameters ? { parameters: maskParameters(system.parameters, secretNames) } : {}),
    },
  };
}
