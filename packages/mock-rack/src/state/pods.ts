// Pod creation (mock-rack.md §4.2, §5): names, round-robin placement on instances, pod IPs and
// stable metrics. Used by seeding and by every lifecycle transition that starts pods.
import { RackTime, type Release } from '@rack-gateway/convox';
import { round2, stableFraction } from '../core/prng.js';
import type { World } from '../core/world.js';
import type { AppRecord, ProcessRecord, ServiceRecord } from './model.js';

export const IMAGE_REGISTRY = 'registry.example.com';

function podHash(world: World, service: string, release: string): string {
  const key = `${service}@${release}`;
  let hash = world.state.podHashes.get(key);
  if (!hash) {
    hash = world.prng.podChars(10);
    world.state.podHashes.set(key, hash);
  }
  return hash;
}

function place(world: World): { instance: string; host: string } {
  const { instances } = world.state;
  const node = instances[world.state.placement++ % instances.length];
  if (!node) return { instance: '', host: '' };
  const n = world.state.ipCounters.get(node.id) ?? 100;
  world.state.ipCounters.set(node.id, n + 1);
  const octet = node.privateIp.split('.')[2] ?? '0';
  return { instance: node.id, host: `10.1.${octet}.${n}` };
}

export interface PodSpec {
  readonly service: ServiceRecord;
  readonly release: Release | undefined;
  readonly status: string;
  readonly started?: number;
  readonly command?: string;
  readonly kind?: 'service' | 'run';
}

/** Creates a pod of a service (or a run pod) and adds it to the app. */
export function createPod(world: World, app: AppRecord, spec: PodSpec): ProcessRecord {
  const svc = spec.service.data;
  const releaseId = spec.release?.id ?? app.data.release;
  const kind = spec.kind ?? 'service';
  const id =
    kind === 'run'
      ? `${svc.name}-${world.prng.podChars(5)}`
      : `${svc.name}-${podHash(world, svc.name, releaseId)}-${world.prng.podChars(5)}`;
  const { instance, host } = place(world);
  const ports = svc.ports.map((p) => String(p.container));
  const record: ProcessRecord = {
    kind,
    data: {
      id,
      app: app.data.name,
      command: spec.command ?? spec.service.command,
      cpu: round2(stableFraction(world.config.seed, `${id}/cpu`) * 0.5),
      gpu: 0,
      host,
      image: `${IMAGE_REGISTRY}/${app.data.name}:${svc.name}.${spec.release?.build ?? ''}`,
      instance,
      memory: round2(40 + stableFraction(world.config.seed, `${id}/memory`) * 200),
      name: svc.name,
      ports: ports.length > 0 && kind === 'service' ? ports : null,
      release: releaseId,
      started: RackTime.fromMillis(spec.started ?? world.now()),
      status: spec.status,
      service: '',
    },
  };
  app.processes.set(id, record);
  return record;
}

/** Pods of one service, sorted by id. */
export function servicePods(app: AppRecord, service: string): ProcessRecord[] {
  return [...app.processes.values()]
    .filter((p) => p.kind === 'service' && p.data.name === service)
    .sort((a, b) => (a.data.id < b.data.id ? -1 : 1));
}

/** Source of a pod's log lines. */
export function podSource(pod: ProcessRecord): string {
  return `service/${pod.data.name}/${pod.data.id}`;
}

/** Appends output lines to a pod's log. */
export function podLog(
  world: World,
  app: AppRecord,
  pod: ProcessRecord,
  message: string,
  time?: number,
): void {
  world.log(app, {
    ...(time === undefined ? {} : { time }),
    source: podSource(pod),
    message,
    service: pod.data.name,
    pid: pod.data.id,
  });
}
