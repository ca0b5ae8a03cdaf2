// Building (and rebuilding) the world for a scenario (mock-rack.md §4.2, §5): same seed, start time
// and timings give the same state.

import type { Scenario } from '../core/options.js';
import type { World, WorldConfig } from '../core/world.js';
import { DEFAULT_SCRIPTS } from '../exec/io.js';
import { seedDemoApps } from '../scenario/demo.js';
import { emptyState, seedRack } from '../scenario/rack.js';

export function seedWorld(world: World, config: WorldConfig, scenario: Scenario): void {
  world.replace(emptyState(), config);
  world.execScripts.clear();
  for (const script of DEFAULT_SCRIPTS) world.execScripts.set(script.command, script);
  seedRack(world);
  if (scenario === 'demo') seedDemoApps(world);
  world.touch();
}
