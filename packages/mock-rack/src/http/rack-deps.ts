// What the HTTP and WebSocket layers of the mock share.
import type { World } from '../core/world.js';
import type { FaultStore } from './faults.js';
import type { RequestLog } from './request-log.js';

export interface RackDeps {
  readonly world: World;
  readonly faults: FaultStore;
  readonly requests: RequestLog;
  readonly password: string;
  readonly maxObjectBytes: number;
}

/** Waits on the injected clock (fault latency). */
export function delay(deps: RackDeps, ms: number): Promise<void> {
  return new Promise((resolve) => {
    deps.world.schedule(ms, resolve);
  });
}
