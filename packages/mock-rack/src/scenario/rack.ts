// The rack part of every scenario (mock-rack.md §5): system record, rack releases, system
// processes and the three instances.
import { type Process, RackTime, type Release } from '@rack-gateway/convox';
import { round2, stableFraction } from '../core/prng.js';
import type { World } from '../core/world.js';
import type { Mutable, RackState } from '../state/model.js';

const DAY = 86_400_000;
const NODES = ['10.1.12.34', '10.1.45.67', '10.1.78.90'];

export function emptyState(): RackState {
  return {
    system: {
      count: 3,
      domain: '',
      name: '',
      outputs: {},
      parameters: {},
      provider: 'aws',
      rackDomain: '',
      routerInternal: '',
      region: 'us-east-1',
      status: 'running',
      type: '',
      version: '',
    },
    systemReleases: [],
    systemProcesses: [],
    instances: [],
    apps: new Map(),
    systemLogs: [],
    podHashes: new Map(),
    placement: 0,
    ipCounters: new Map(),
  };
}

function systemRelease(version: string, created: number): Release {
  return {
    id: version,
    app: '',
    build: '',
    env: '',
    manifest: '',
    description: '',
    created: RackTime.fromMillis(created),
  };
}

function systemProcess(world: World, name: string, started: number, index: number): Process {
  const node = world.state.instances[index % world.state.instances.length];
  const id = `${name}-${world.prng.podChars(10)}-${world.prng.podChars(5)}`;
  return {
    id,
    app: 'system',
    command: '',
    cpu: round2(stableFraction(world.config.seed, `${id}/cpu`) * 0.3),
    gpu: 0,
    host: node?.privateIp ?? '',
    image: `convox/rack:${world.config.version}`,
    instance: node?.id ?? '',
    memory: round2(60 + stableFraction(world.config.seed, `${id}/memory`) * 100),
    name,
    ports: null,
    release: world.config.version,
    started: RackTime.fromMillis(started),
    status: 'running',
    service: '',
  };
}

/** Seeds system, instances and rack processes relative to the start time. */
export function seedRack(world: World): void {
  const { state, config } = world;
  const t = config.startTime;
  const domain = `${config.rackName}.example.com`;
  Object.assign(state.system, {
    domain: `router.${domain}`,
    name: config.rackName,
    parameters: {
      build_node_enabled: 'false',
      cidr: '10.1.0.0/16',
      high_availability: 'true',
      node_disk: '50',
      node_type: 't3.large',
      private: 'true',
    },
    rackDomain: `api.${domain}`,
    version: config.version,
  });
  state.systemReleases.push(
    systemRelease(config.version, t - 7 * DAY),
    systemRelease('3.24.5', t - 30 * DAY),
    systemRelease('3.23.2', t - 90 * DAY),
  );
  for (const ip of NODES) {
    const id = `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
    const instance: Mutable<(typeof state.instances)[number]> = {
      agent: false,
      cpu: round2(0.2 + stableFraction(config.seed, `${id}/cpu`) * 0.8),
      cpuCapacity: 2,
      cpuAllocatable: 1.93,
      gpuCapacity: 0,
      gpuAllocatable: 0,
      id,
      memory: round2(1500 + stableFraction(config.seed, `${id}/memory`) * 3000),
      memoryCapacity: 7936,
      memoryAllocatable: 7219,
      privateIp: ip,
      processes: 0,
      publicIp: '',
      status: 'running',
      started: RackTime.fromMillis(t - 30 * DAY),
    };
    state.instances.push(instance);
  }
  const names = ['api', 'api', 'atom', 'resolver', 'router'];
  names.forEach((name, i) => {
    state.systemProcesses.push(systemProcess(world, name, t - 7 * DAY, i));
  });
}
