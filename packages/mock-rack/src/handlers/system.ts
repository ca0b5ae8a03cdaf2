// Rack-level routes (mock-rack.md §6): instances, system record, capacity, metrics, rack processes
// and releases, rack update.
import {
  CAPACITY_SCHEMA,
  encodeObject,
  INSTANCE_SCHEMA,
  PROCESS_SCHEMA,
  RELEASE_SCHEMA,
  SYSTEM_SCHEMA,
} from '@rack-gateway/convox';
import { notFound } from '../core/failure.js';
import type { World } from '../core/world.js';
import { json, OK } from '../http/respond.js';
import type { Mutable } from '../state/model.js';
import { mergeParameters } from './apps.js';
import { type Handler, opt, param } from './context.js';

function instances(world: World) {
  const counts = new Map<string, number>();
  for (const app of world.state.apps.values())
    for (const pod of app.processes.values())
      counts.set(pod.data.instance, (counts.get(pod.data.instance) ?? 0) + 1);
  return [...world.state.instances]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((i) => ({ ...i, processes: counts.get(i.id) ?? 0 }));
}

const getInstance: Handler = (ctx) => {
  const id = param(ctx, 'id');
  const found = instances(ctx.world).find((i) => i.id === id);
  if (!found) throw notFound('instance', id);
  return json(encodeObject(INSTANCE_SCHEMA, found));
};

const capacity: Handler = ({ world }) => {
  const nodes = world.state.instances;
  const pods = [...world.state.apps.values()].flatMap((a) => [...a.processes.values()]);
  const services = [...world.state.apps.values()].flatMap((a) => [...a.services.values()]);
  return json(
    encodeObject(CAPACITY_SCHEMA, {
      clusterCpu: nodes.reduce((sum, n) => sum + n.cpuCapacity * 1000, 0),
      clusterMemory: nodes.reduce((sum, n) => sum + n.memoryCapacity, 0),
      instanceCpu: (nodes[0]?.cpuCapacity ?? 0) * 1000,
      instanceMemory: nodes[0]?.memoryCapacity ?? 0,
      processCount: pods.length,
      processMemory: services.reduce((sum, s) => sum + s.data.memory * s.data.count, 0),
      processWidth: Math.max(0, ...services.map((s) => s.data.memory)),
    }),
  );
};

const updateSystem: Handler = (ctx) => {
  const { world } = ctx;
  const system: Mutable<typeof world.state.system> = world.state.system;
  const parameters = opt<Record<string, string>>(ctx, 'parameters');
  if (parameters) system.parameters = mergeParameters(system.parameters, parameters);
  const count = opt<number>(ctx, 'count');
  if (count !== undefined) system.count = count;
  const type = opt<string>(ctx, 'type');
  if (type !== undefined) system.type = type;
  const version = opt<string>(ctx, 'version');
  if (version !== undefined) system.version = version;
  system.status = 'updating';
  world.log(null, { source: 'system/k8s/rack', message: 'Status: Running => Updating' });
  world.schedule(world.timings.rackUpdate, () => {
    system.status = 'running';
    world.log(null, { source: 'system/k8s/rack', message: 'Status: Updating => Running' });
  });
  return OK;
};

export const SYSTEM_HANDLERS: Readonly<Record<string, Handler>> = {
  'instances.list': ({ world }) =>
    json(instances(world).map((i) => encodeObject(INSTANCE_SCHEMA, i))),
  'instances.get': getInstance,
  'system.get': ({ world }) => json(encodeObject(SYSTEM_SCHEMA, world.state.system)),
  'system.capacity': capacity,
  'system.metrics': () => json([]),
  'system.processes': ({ world }) =>
    json(world.state.systemProcesses.map((p) => encodeObject(PROCESS_SCHEMA, p))),
  'system.releases': ({ world }) =>
    json(world.state.systemReleases.map((r) => encodeObject(RELEASE_SCHEMA, r))),
  'system.update': updateSystem,
};
