// Release routes (mock-rack.md §6, §9.1): list, create (env through releases), read, promote with
// the rack's validation rules.
import { encodeObject, RELEASE_SCHEMA, type Release } from '@rack-gateway/convox';
import { badRequest, RackFailure } from '../core/failure.js';
import { json, OK } from '../http/respond.js';
import { promote } from '../state/lifecycle.js';
import { createRelease, findRelease, newestFirst } from '../state/releases.js';
import { type Handler, opt, param, requireApp } from './context.js';

export function encodeRelease(release: Release) {
  return encodeObject(RELEASE_SCHEMA, release);
}

const list: Handler = (ctx) => {
  const app = requireApp(ctx);
  return json(newestFirst(app.releases, opt<number>(ctx, 'limit')).map(encodeRelease));
};

const create: Handler = (ctx) => {
  const app = requireApp(ctx);
  const input = {
    build: opt<string>(ctx, 'build'),
    description: opt<string>(ctx, 'description'),
    env: opt<string>(ctx, 'env'),
    parentRelease: opt<string>(ctx, 'parentRelease'),
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  return json(encodeRelease(createRelease(ctx.world, app, defined)));
};

const get: Handler = (ctx) => json(encodeRelease(findRelease(requireApp(ctx), param(ctx, 'id'))));

const promoteRelease: Handler = (ctx) => {
  const app = requireApp(ctx);
  const release = findRelease(app, param(ctx, 'id'));
  if (opt<boolean>(ctx, 'force') !== true && app.data.status !== 'running')
    throw new RackFailure(403, 'app is currently updating');
  if (release.manifest.trim() === '')
    throw badRequest('can not promote a release with an empty manifest');
  const current = app.releases.find((r) => r.id === app.data.release);
  if (current && release.created.compare(current.created) < 0)
    throw badRequest('can not promote an older release, try rollback');
  const rollback = ctx.faults.takeArmed('promoteOutcome', ctx.target);
  promote(ctx.world, app, release, rollback);
  return OK;
};

export const RELEASE_HANDLERS: Readonly<Record<string, Handler>> = {
  'releases.list': list,
  'releases.create': create,
  'releases.get': get,
  'releases.promote': promoteRelease,
};
