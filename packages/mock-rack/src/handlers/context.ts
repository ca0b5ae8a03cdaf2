// What a route handler receives: the world, the decoded path params and route options, the raw
// query and body, and the fault store for armed faults (failed builds, rollbacks).
import type { FormValues, PathParams } from '@rack-gateway/convox';
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

/** The `{app}` of the path; every `/apps/{app}/…` route checks it first. */
export function requireApp(ctx: HandlerContext): AppRecord {
  const name = ctx.params.app ?? '';
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
