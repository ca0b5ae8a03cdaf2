// Object routes (mock-rack.md §6): uploads (`tmp/<name>` and any key), plus the reads the gateway
// uses to inspect uploaded archives. Keys with a `..` segment are refused like the rack does.
import { encodeObject, OBJECT_SCHEMA } from '@rack-gateway/convox';
import { badRequest, notFound } from '../core/failure.js';
import { json, OCTET, OK } from '../http/respond.js';
import type { AppRecord } from '../state/model.js';
import { type Handler, type HandlerContext, param, requireApp } from './context.js';

function objectKey(ctx: HandlerContext): string {
  const key = ctx.params.name === undefined ? param(ctx, 'key') : `tmp/${param(ctx, 'name')}`;
  if (key === '' || key.split('/').includes('..')) throw badRequest('invalid object key');
  return key;
}

function requireObject(ctx: HandlerContext, app: AppRecord): [string, Buffer] {
  const key = objectKey(ctx);
  const data = app.objects.get(key);
  if (!data) throw notFound('object', key);
  return [key, data];
}

const store: Handler = (ctx) => {
  const app = requireApp(ctx);
  const key = objectKey(ctx);
  app.objects.set(key, ctx.body);
  return json(encodeObject(OBJECT_SCHEMA, { url: `object://${app.data.name}/${key}` }));
};

const read: Handler = (ctx) => {
  const [, data] = requireObject(ctx, requireApp(ctx));
  return { kind: 'bytes', body: data, contentType: OCTET };
};

const head: Handler = (ctx) => {
  const app = requireApp(ctx);
  return { kind: 'empty', status: app.objects.has(objectKey(ctx)) ? 200 : 404 };
};

const remove: Handler = (ctx) => {
  const app = requireApp(ctx);
  const [key] = requireObject(ctx, app);
  app.objects.delete(key);
  return OK;
};

const list: Handler = (ctx) => {
  const app = requireApp(ctx);
  const prefix = ctx.query.get('prefix')?.[0] ?? '';
  return json([...app.objects.keys()].filter((k) => k.startsWith(prefix)).sort());
};

export const OBJECT_HANDLERS: Readonly<Record<string, Handler>> = {
  'objects.upload': store,
  'objects.store': store,
  'objects.read': read,
  'objects.head': head,
  'objects.delete': remove,
  'objects.list': list,
};
