// Synthetic request lines from running web pods (mock-rack.md §8.4), for a lively demo.
import type { World } from '../core/world.js';
import { podLog } from '../state/pods.js';

export function startTraffic(world: World): void {
  const state = world.state;
  const tick = (): void => {
    if (world.state !== state) return;
    for (const app of state.apps.values()) {
      for (const pod of app.processes.values()) {
        if (pod.data.name !== 'web' || pod.data.status !== 'running') continue;
        const n = 2 + world.prng.int(250);
        podLog(
          world,
          app,
          pod,
          `10.1.0.${n} - - "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.29"`,
        );
      }
    }
    world.schedule(world.timings.trafficInterval, tick);
  };
  world.schedule(world.timings.trafficInterval, tick);
}
