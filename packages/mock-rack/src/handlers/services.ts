// Service routes (mock-rack.md §6): list, scale/resize, restart.
import { encodeObject, SERVICE_SCHEMA } from '@rack-gateway/convox';
import { notFound } from '../core/failure.js';
import { json, OK } from '../http/respond.js';
import { restartService, scale } from '../state/lifecycle.js';
import type { AppRecord, ServiceRecord } from '../state/model.js';
import { type Handler, type HandlerContext, opt, param, requireApp } from './context.js';

export function requireService(ctx: HandlerContext, app: AppRecord): ServiceRecord {
  const name = param(ctx, 'service');
  const service = app.services.get(name);
  if (!service) throw notFound('service', name);
  return service;
}

const list: Handler = (ctx) => {
  const app = requireApp(ctx);
  const services = [...app.services.values()].sort((a, b) => (a.data.name < b.data.name ? -1 : 1));
  return json(services.map((s) => encodeObject(SERVICE_SCHEMA, s.data)));
};

const SCALABLE = ['cpu', 'memory', 'gpu', 'min', 'max'] as const;

const update: Handler = (ctx) => {
  const app = requireApp(ctx);
  const service = requireService(ctx, app);
  const count = opt<number>(ctx, 'count');
  if (count !== undefined) service.data.count = Math.max(0, count);
  for (const key of SCALABLE) {
    const value = opt<number>(ctx, key);
    if (value !== undefined) service.data[key] = value;
  }
  const vendor = opt<string>(ctx, 'gpuVendor');
  if (vendor !== undefined) service.data.gpuVendor = vendor;
  scale(ctx.world, app, service);
  return OK;
};

const restart: Handler = (ctx) => {
  const app = requireApp(ctx);
  restartService(ctx.world, app, requireService(ctx, app));
  return OK;
};

export const SERVICE_HANDLERS: Readonly<Record<string, Handler>> = {
  'services.list': list,
  'services.update': update,
  'services.restart': restart,
};
