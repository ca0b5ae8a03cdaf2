// The programmatic control surface (mock-rack.md §10.3) that tests and the HTTP control API use:
// reset, state dump, log appends, forced pod statuses and scripted exec commands.

import type { World } from '../core/world.js';
import type { ExecScript } from '../exec/io.js';
import { podSource } from '../state/pods.js';

export interface AppendLogsInput {
  /** Omitted: rack-level (`/system/logs`) lines. */
  readonly app?: string;
  readonly service?: string;
  readonly pid?: string;
  /** Source for app/rack events when no pod is named; default `system/k8s/atom/app`. */
  readonly source?: string;
  readonly lines: readonly string[];
}

export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function podFor(world: World, input: AppendLogsInput) {
  const app = world.app(input.app ?? '');
  if (!app) throw new ControlError(404, `app not found: ${input.app}`);
  if (input.pid) {
    const pod = app.processes.get(input.pid);
    if (!pod) throw new ControlError(404, `process not found: ${input.pid}`);
    return { app, pod };
  }
  if (!input.service) return { app, pod: undefined };
  const pod = [...app.processes.values()]
    .filter((p) => p.data.name === input.service)
    .sort((a, b) => (a.data.id < b.data.id ? -1 : 1))[0];
  if (!pod) throw new ControlError(404, `service not found: ${input.service}`);
  return { app, pod };
}

/** Appends lines now (they reach following log sockets at once). */
export function appendLogs(world: World, input: AppendLogsInput): void {
  const source = input.source ?? 'system/k8s/atom/app';
  if (input.app === undefined) {
    for (const message of input.lines) world.log(null, { source, message });
    return;
  }
  const { app, pod } = podFor(world, input);
  for (const message of input.lines) {
    if (pod)
      world.log(app, { source: podSource(pod), message, service: pod.data.name, pid: pod.data.id });
    else world.log(app, { source, message });
  }
}

export function setProcessStatus(world: World, appName: string, pid: string, status: string): void {
  const pod = world.app(appName)?.processes.get(pid);
  if (!pod) throw new ControlError(404, `process not found: ${pid}`);
  pod.data.status = status;
  world.touch();
}

export function addExecScript(world: World, script: ExecScript): void {
  if (typeof script.command !== 'string' || !Array.isArray(script.output))
    throw new ControlError(400, 'an exec script needs command and output');
  world.execScripts.set(script.command, { ...script, exitCode: script.exitCode ?? 0 });
}

/** A JSON-friendly dump of the whole state. */
export function dumpState(world: World): unknown {
  const { state } = world;
  return {
    system: state.system,
    instances: state.instances,
    systemProcesses: state.systemProcesses,
    systemReleases: state.systemReleases,
    apps: [...state.apps.values()].map((app) => ({
      ...app.data,
      services: [...app.services.values()].map((s) => ({ ...s.data, command: s.command })),
      releases: app.releases,
      builds: app.builds.map((b) => b.data),
      processes: [...app.processes.values()].map((p) => ({ ...p.data, kind: p.kind })),
      objects: [...app.objects].map(([key, data]) => ({ key, size: data.length })),
    })),
  };
}
