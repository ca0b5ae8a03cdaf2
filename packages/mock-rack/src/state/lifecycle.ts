// Lifecycle transitions (mock-rack.md §9): each mutation takes effect at once in a transitional
// status and completes after its timing on the injected clock, logging rack events as it goes.
import type { Release, Service } from '@rack-gateway/convox';
import { type ManifestService, manifestServices } from '../builds/manifest.js';
import type { World } from '../core/world.js';
import type { AppRecord, Mutable, ProcessRecord, ServiceRecord } from './model.js';
import { createPod, podLog, servicePods } from './pods.js';

const ATOM = 'system/k8s/atom/app';

/** Startup lines a new pod writes at its start time. */
export function logStartup(world: World, app: AppRecord, pod: ProcessRecord, time?: number): void {
  const lines = [`Starting ${pod.data.command}`, `Loaded release ${pod.data.release}`];
  if (pod.data.ports) lines.push(`Listening on port ${pod.data.ports[0]}`);
  lines.push('Ready');
  for (const line of lines) podLog(world, app, pod, line, time);
}

export function newServiceRecord(app: AppRecord, spec: ManifestService, rackDomain: string) {
  const existing = app.services.get(spec.name)?.data;
  const data: Mutable<Service> = {
    count: spec.count ?? existing?.count ?? 1,
    cpu: spec.cpu ?? existing?.cpu ?? 256,
    domain: spec.port ? `${spec.name}.${app.data.name}.${rackDomain}` : '',
    gpu: 0,
    gpuVendor: '',
    memory: spec.memory ?? existing?.memory ?? 512,
    name: spec.name,
    nlb: null,
    ports: spec.port ? [{ balancer: 443, certificate: '', container: spec.port }] : [],
    min: 0,
    max: 0,
    coldStart: false,
    autoscale: null,
  };
  data.min = data.count;
  data.max = data.count;
  const command = spec.command ?? app.services.get(spec.name)?.command ?? 'npm start';
  return { data, command } satisfies ServiceRecord;
}

function startPods(
  world: World,
  app: AppRecord,
  service: ServiceRecord,
  release: Release | undefined,
  count: number,
): ProcessRecord[] {
  const pods: ProcessRecord[] = [];
  for (let i = 0; i < count; i++)
    pods.push(createPod(world, app, { service, release, status: 'starting' }));
  return pods;
}

function markRunning(world: World, app: AppRecord, pods: readonly ProcessRecord[]): void {
  for (const pod of pods) {
    if (!app.processes.has(pod.data.id)) continue;
    pod.data.status = 'running';
    world.event(app, `system/k8s/${pod.data.id}`, 'Started container main');
    logStartup(world, app, pod);
  }
}

function removePods(app: AppRecord, pods: readonly ProcessRecord[]): void {
  for (const pod of pods) app.processes.delete(pod.data.id);
}

/** §9.1: new pods for every manifest service, then switch the release (or roll back). */
export function promote(world: World, app: AppRecord, release: Release, rollback: boolean): void {
  app.data.status = 'updating';
  world.event(app, ATOM, 'Status: Running => Updating');
  const domain = world.state.system.domain.replace(/^router\./, '');
  const services = manifestServices(release.manifest).map((s) => newServiceRecord(app, s, domain));
  const oldPods = [...app.processes.values()].filter((p) => p.kind === 'service');
  const newPods = services.flatMap((svc) => {
    const pods = startPods(world, app, svc, release, svc.data.count);
    const hash = pods[0]?.data.id.split('-').at(-2) ?? '';
    world.event(
      app,
      `system/k8s/${svc.data.name}`,
      `Scaled up replica set ${svc.data.name}-${hash} to ${svc.data.count}`,
    );
    return pods;
  });
  world.schedule(world.timings.promote, () => {
    if (rollback) {
      removePods(app, newPods);
      app.data.status = 'rollback';
      world.event(app, ATOM, 'Status: Updating => Rollback');
      world.schedule(world.timings.promote, () => {
        app.data.status = 'running';
        world.event(app, ATOM, 'Status: Rollback => Running');
      });
      return;
    }
    removePods(app, oldPods);
    app.services.clear();
    for (const svc of services) app.services.set(svc.data.name, svc);
    markRunning(world, app, newPods);
    app.data.release = release.id;
    app.data.status = 'running';
    world.event(app, ATOM, 'Status: Updating => Running');
  });
}

function currentRelease(app: AppRecord): Release | undefined {
  return app.releases.find((r) => r.id === app.data.release);
}

/** Resizes a service's pods to its count: new pods running, surplus removed newest first. */
function resize(world: World, app: AppRecord, service: ServiceRecord): void {
  const pods = servicePods(app, service.data.name).sort(
    (a, b) => a.data.started.compare(b.data.started) || (a.data.id < b.data.id ? -1 : 1),
  );
  const surplus = pods.length - service.data.count;
  if (surplus > 0) removePods(app, pods.slice(pods.length - surplus));
  const added = startPods(world, app, service, currentRelease(app), Math.max(0, -surplus));
  markRunning(world, app, added);
  world.event(
    app,
    `system/k8s/${service.data.name}`,
    `Scaled replica set ${service.data.name} to ${service.data.count}`,
  );
}

export function scale(world: World, app: AppRecord, service: ServiceRecord): void {
  app.data.status = 'updating';
  world.event(app, ATOM, 'Status: Running => Updating');
  world.schedule(world.timings.scale, () => {
    const live = app.services.get(service.data.name);
    if (live) resize(world, app, live);
    app.data.status = 'running';
    world.event(app, ATOM, 'Status: Updating => Running');
  });
}

export function restartService(world: World, app: AppRecord, service: ServiceRecord): void {
  world.schedule(world.timings.restart, () => {
    const old = servicePods(app, service.data.name);
    removePods(app, old);
    markRunning(world, app, startPods(world, app, service, currentRelease(app), old.length));
    world.event(app, `system/k8s/${service.data.name}`, `Restarted ${service.data.name}`);
  });
}

/** Deletes a pod: a service pod gets a replacement with a new id after `processStart`. */
export function stopProcess(world: World, app: AppRecord, pod: ProcessRecord): void {
  app.processes.delete(pod.data.id);
  world.event(app, `system/k8s/${pod.data.id}`, 'Stopping container main');
  const service = app.services.get(pod.data.name);
  if (pod.kind !== 'service' || !service) return;
  world.schedule(world.timings.processStart, () => {
    markRunning(world, app, startPods(world, app, service, currentRelease(app), 1));
  });
}
