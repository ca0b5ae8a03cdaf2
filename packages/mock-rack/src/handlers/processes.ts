// Process routes (mock-rack.md §6, §8.1): list with filters, read, stop, and run processes.
import { encodeObject, PROCESS_SCHEMA } from '@rack-gateway/convox';
import { notFound } from '../core/failure.js';
import { startRunProcess } from '../exec/run-process.js';
import { json, OK } from '../http/respond.js';
import { stopProcess } from '../state/lifecycle.js';
import type { AppRecord, ProcessRecord } from '../state/model.js';
import { createPod } from '../state/pods.js';
import { findRelease } from '../state/releases.js';
import { type Handler, type HandlerContext, opt, param, requireApp } from './context.js';
import { requireService } from './services.js';

export function encodeProcess(pod: ProcessRecord) {
  return encodeObject(PROCESS_SCHEMA, pod.data);
}

function requireProcess(ctx: HandlerContext, app: AppRecord): ProcessRecord {
  const pid = param(ctx, 'pid');
  const pod = app.processes.get(pid);
  if (!pod) throw notFound('process', pid);
  return pod;
}

/** Processes sorted by service, then id. */
export function sortedProcesses(app: AppRecord): ProcessRecord[] {
  return [...app.processes.values()].sort(
    (a, b) => a.data.name.localeCompare(b.data.name) || (a.data.id < b.data.id ? -1 : 1),
  );
}

const list: Handler = (ctx) => {
  const app = requireApp(ctx);
  const service = opt<string>(ctx, 'service');
  const release = opt<string>(ctx, 'release');
  const pods = sortedProcesses(app).filter(
    (p) =>
      (service === undefined || p.data.name === service) &&
      (release === undefined || p.data.release === release),
  );
  return json(pods.map(encodeProcess));
};

const get: Handler = (ctx) => json(encodeProcess(requireProcess(ctx, requireApp(ctx))));

const stop: Handler = (ctx) => {
  const app = requireApp(ctx);
  stopProcess(ctx.world, app, requireProcess(ctx, app));
  return OK;
};

const run: Handler = (ctx) => {
  const { world } = ctx;
  const app = requireApp(ctx);
  const service = requireService(ctx, app);
  const releaseId = opt<string>(ctx, 'release');
  const release = releaseId
    ? findRelease(app, releaseId)
    : app.releases.find((r) => r.id === app.data.release);
  const command = opt<string>(ctx, 'command');
  const pod = createPod(world, app, {
    service,
    release,
    status: 'pending',
    kind: 'run',
    ...(command ? { command } : {}),
  });
  const reply = json(encodeProcess(pod));
  world.schedule(world.timings.processStart, () => startRunProcess(world, app, pod));
  return reply;
};

export const PROCESS_HANDLERS: Readonly<Record<string, Handler>> = {
  'processes.list': list,
  'processes.get': get,
  'processes.stop': stop,
  'processes.run': run,
};
