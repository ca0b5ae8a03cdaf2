// App routes (mock-rack.md §6): list, create, read, update (lock, parameters), delete, restart, plus
// the mock-only `/auth`.
import { APP_SCHEMA, encodeObject } from '@rack-gateway/convox';
import { badRequest, RackFailure } from '../core/failure.js';
import { json, OK } from '../http/respond.js';
import { newAppRecord } from '../scenario/demo.js';
import { restartService } from '../state/lifecycle.js';
import type { AppRecord } from '../state/model.js';
import { type Handler, type HandlerContext, opt, requireApp } from './context.js';

const APP_NAME = /^[a-z][a-z0-9-]{0,29}$/;
const RESERVED = new Set(['rack', 'system']);

export function encodeApp(app: AppRecord) {
  return encodeObject(APP_SCHEMA, app.data);
}

function sortedApps(ctx: HandlerContext): AppRecord[] {
  return [...ctx.world.state.apps.values()].sort((a, b) => (a.data.name < b.data.name ? -1 : 1));
}

const list: Handler = (ctx) =>
  ctx.world.cached('apps.list', () => json(sortedApps(ctx).map(encodeApp)));

const create: Handler = (ctx) => {
  const { world } = ctx;
  const name = opt<string>(ctx, 'name') ?? '';
  if (RESERVED.has(name)) throw badRequest('app name is reserved');
  if (!APP_NAME.test(name)) throw badRequest(`invalid app name: ${name}`);
  if (world.app(name)) throw new RackFailure(409, `app already exists: ${name}`);
  const app = newAppRecord(world, name, 'updating');
  world.state.apps.set(name, app);
  world.event(app, 'system/k8s/atom/app', 'Status: Creating');
  world.schedule(world.timings.appCreate, () => {
    app.data.status = 'running';
    world.event(app, 'system/k8s/atom/app', 'Status: Creating => Running');
  });
  return json(encodeApp(app));
};

const get: Handler = (ctx) => json(encodeApp(requireApp(ctx)));

const update: Handler = (ctx) => {
  const app = requireApp(ctx);
  const lock = opt<boolean>(ctx, 'lock');
  if (lock !== undefined) app.data.locked = lock;
  const parameters = opt<Record<string, string>>(ctx, 'parameters');
  if (parameters) app.data.parameters = mergeParameters(app.data.parameters, parameters);
  return OK;
};

/** Merges parameters; an empty value deletes the key. */
export function mergeParameters(
  current: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

const remove: Handler = (ctx) => {
  const { world } = ctx;
  const app = requireApp(ctx);
  if (app.data.locked) throw new RackFailure(409, `app is locked: ${app.data.name}`);
  app.data.status = 'deleting';
  world.log(null, { source: 'system/k8s/atom', message: `Deleting app ${app.data.name}` });
  world.schedule(world.timings.appDelete, () => {
    if (world.state.apps.get(app.data.name) === app) world.state.apps.delete(app.data.name);
  });
  return OK;
};

const restart: Handler = (ctx) => {
  const app = requireApp(ctx);
  for (const service of app.services.values()) restartService(ctx.world, app, service);
  return OK;
};

export const APP_HANDLERS: Readonly<Record<string, Handler>> = {
  'apps.list': list,
  'apps.create': create,
  'apps.get': get,
  'apps.update': update,
  'apps.delete': remove,
  'apps.restart': restart,
  auth: () => OK,
};
