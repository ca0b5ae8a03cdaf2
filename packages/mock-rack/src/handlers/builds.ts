// Build routes (mock-rack.md §6, §7): list, create from an uploaded object, import a raw archive,
// export the source archive, read and update.
import { BUILD_SCHEMA, encodeObject, RackTime } from '@rack-gateway/convox';
import { planBuild, runBuild } from '../builds/runner.js';
import { notFound } from '../core/failure.js';
import { json, OCTET } from '../http/respond.js';
import type { AppRecord, BuildRecord } from '../state/model.js';
import { findBuild, newestFirst } from '../state/releases.js';
import { type Handler, type HandlerContext, opt, param, requireApp } from './context.js';

export function encodeBuild(build: BuildRecord) {
  return encodeObject(BUILD_SCHEMA, build.data);
}

function objectKey(app: AppRecord, url: string): string {
  const prefix = `object://${app.data.name}/`;
  const key = url.startsWith(prefix) ? url.slice(prefix.length) : url;
  if (!url.startsWith(prefix) || !app.objects.has(key)) throw notFound('object', key);
  return key;
}

function newBuild(ctx: HandlerContext, app: AppRecord, archive: Buffer): BuildRecord {
  const { world } = ctx;
  const id = `B${world.prng.letters(10)}`;
  const build: BuildRecord = {
    data: {
      id,
      app: app.data.name,
      description: opt<string>(ctx, 'description') ?? '',
      entrypoint: '',
      gitSha: opt<string>(ctx, 'gitSha') ?? '',
      logs: `object://${app.data.name}/build/${id}/logs`,
      manifest: '',
      process: `build-${world.prng.podChars(5)}`,
      release: '',
      reason: '',
      repository: '',
      status: 'created',
      started: RackTime.fromMillis(world.now()),
      ended: RackTime.ZERO,
    },
    archive,
    entries: [],
    lines: [],
    finished: false,
    listeners: new Set(),
  };
  const fail = ctx.faults.takeArmed('failNextBuild', ctx.target);
  const plan = planBuild(world, app, build, opt<string>(ctx, 'manifest') || 'convox.yml', fail);
  app.builds.push(build);
  runBuild(world, app, build, plan);
  return build;
}

const create: Handler = (ctx) => {
  const app = requireApp(ctx);
  const key = objectKey(app, opt<string>(ctx, 'url') ?? '');
  return json(encodeBuild(newBuild(ctx, app, app.objects.get(key) ?? Buffer.alloc(0))));
};

const importBuild: Handler = (ctx) => {
  const app = requireApp(ctx);
  return json(encodeBuild(newBuild(ctx, app, ctx.body)));
};

const list: Handler = (ctx) => {
  const app = requireApp(ctx);
  return json(newestFirst(app.builds, opt<number>(ctx, 'limit')).map(encodeBuild));
};

const get: Handler = (ctx) => json(encodeBuild(findBuild(requireApp(ctx), param(ctx, 'id'))));

const exportArchive: Handler = (ctx) => {
  const build = findBuild(requireApp(ctx), param(ctx, 'id'));
  if (!build.archive) throw notFound('build archive', build.data.id);
  return { kind: 'bytes', body: build.archive, contentType: OCTET };
};

const STRING_FIELDS = ['entrypoint', 'logs', 'manifest', 'release', 'status'] as const;

const update: Handler = (ctx) => {
  const build = findBuild(requireApp(ctx), param(ctx, 'id'));
  for (const field of STRING_FIELDS) {
    const value = opt<string>(ctx, field);
    if (value !== undefined) build.data[field] = value;
  }
  const started = opt<RackTime>(ctx, 'started');
  if (started) build.data.started = started;
  const ended = opt<RackTime>(ctx, 'ended');
  if (ended) build.data.ended = ended;
  return json(encodeBuild(build));
};

export const BUILD_HANDLERS: Readonly<Record<string, Handler>> = {
  'builds.list': list,
  'builds.create': create,
  'builds.import': importBuild,
  'builds.export': exportArchive,
  'builds.get': get,
  'builds.update': update,
};
