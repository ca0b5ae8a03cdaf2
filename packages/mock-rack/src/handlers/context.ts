// What a route handler receives: the world, the decoded path params and route options, the raw
// query and body, and the fault store for armed faults (failed builds, rollbacks).
import { decodeGoForm, type FormValues, type PathParams } from '@rack-gateway/convox';
import { notFound } from '../core/failure.js';
import type { World } from '../core/world.js';
import type { FaultStore, FaultTarget } from '../http/faults.js';
import type { Reply } from '../http/respond.js';
import type { AppRecord } from '../state/model.js';

export interface HandlerContext {
  readonly world: World;
  readonly faults: FaultStore;
  readonly params: PathParams;
  /** Route options decoded from their form / query / header locations. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly query: FormValues;
  readonly body: Buffer;
  readonly target: FaultTarget;
}

export type Handler = (ctx: HandlerContext) => Reply;

/** The app of the path (`{app}`, or `{name}` on the rack's cancel and metrics routes). */
export function requireApp(ctx: HandlerContext): AppRecord {
  const name = ctx.params.app ?? ctx.params.name ?? '';
  const app = ctx.world.app(name);
  if (!app) throw notFound('app', name);
  return app;
}

export function param(ctx: HandlerContext, name: string): string {
  return ctx.params[name] ?? '';
}

export function opt<T>(ctx: HandlerContext, name: string): T | undefined {
  return ctx.options[name] as T | undefined;
}

/** The first value of each field of a form body (the rack's `r.FormValue`). */
export function formFields(ctx: HandlerContext): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, values] of decodeGoForm(ctx.body.toString('utf8'), true))
    fields[key] = values[0] ?? '';
  return fields;
}
