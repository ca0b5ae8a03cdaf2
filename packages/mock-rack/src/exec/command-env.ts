// The environment a pod's commands see (mock-rack.md §8.3): the release env plus APP, SERVICE,
// RELEASE, RACK and PORT, and the build archive's top-level entries for `ls`.
import type { World } from '../core/world.js';
import { parseEnv } from '../state/env.js';
import type { AppRecord, ProcessRecord } from '../state/model.js';
import type { CommandEnv } from './io.js';

export function commandEnv(world: World, app: AppRecord, pod: ProcessRecord): CommandEnv {
  const release = app.releases.find((r) => r.id === pod.data.release);
  const env = parseEnv(release?.env ?? '');
  env.set('APP', app.data.name);
  env.set('SERVICE', pod.data.name);
  env.set('RELEASE', pod.data.release);
  env.set('RACK', world.state.system.name);
  const port = app.services.get(pod.data.name)?.data.ports[0]?.container;
  if (port !== undefined) env.set('PORT', String(port));
  const build = app.builds.find((b) => b.data.id === release?.build);
  return {
    env,
    podId: pod.data.id,
    entries: build?.entries ?? [],
    now: () => world.now(),
    scripts: world.execScripts,
  };
}

/** A promise resolved after `ms` on the world's clock, or earlier through the returned cancel. */
export function clockSleep(world: World, ms: number): { done: Promise<void>; cancel: () => void } {
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const handle = world.schedule(ms, resolve);
  return {
    done,
    cancel: () => {
      world.cancel(handle);
      resolve();
    },
  };
}
