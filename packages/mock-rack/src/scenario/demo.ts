// Seeds the `demo` scenario (mock-rack.md §5): three apps with builds, releases, env, services and
// running processes, all timestamps relative to the start time.
import { RackTime, type Release } from '@rack-gateway/convox';
import { parseManifest } from '../builds/manifest.js';
import { parsingLine, preparingLine, successLines } from '../builds/script.js';
import type { World } from '../core/world.js';
import { formatEnv } from '../state/env.js';
import { logStartup, newServiceRecord } from '../state/lifecycle.js';
import type { AppRecord, BuildRecord } from '../state/model.js';
import { createPod } from '../state/pods.js';
import { DEMO_APPS, type SeedApp, type SeedBuild, seedManifest } from './demo-data.js';

const HOUR = 3_600_000;
export const SEED_ARCHIVE_ENTRIES = ['Dockerfile', 'convox.yml', 'src'];

export function newAppRecord(world: World, name: string, status: string): AppRecord {
  return {
    data: {
      generation: '3',
      locked: false,
      name,
      release: '',
      router: world.state.system.domain,
      status,
      budget: null,
      parameters: {},
    },
    services: new Map(),
    releases: [],
    builds: [],
    objects: new Map(),
    processes: new Map(),
    logs: [],
  };
}

function seedBuild(world: World, app: AppRecord, seed: SeedApp, spec: SeedBuild): BuildRecord {
  const gitSha = world.prng.hex(40);
  const started = world.config.startTime - spec.hoursAgo * HOUR;
  const ended = started + (90 + world.prng.int(151)) * 1000;
  const manifest = seedManifest(seed, gitSha);
  const lines = [
    preparingLine(20 + world.prng.int(80), 40_000 + world.prng.int(400_000)),
    parsingLine('convox.yml'),
    ...successLines(seed.name, spec.id, parseManifest(manifest), world.prng),
  ];
  const build: BuildRecord = {
    data: {
      id: spec.id,
      app: seed.name,
      description: `build ${gitSha.slice(0, 10)} ${spec.subject}`,
      entrypoint: '',
      gitSha,
      logs: `object://${seed.name}/build/${spec.id}/logs`,
      manifest,
      process: `build-${world.prng.podChars(5)}`,
      release: spec.release,
      reason: '',
      repository: '',
      status: 'complete',
      started: RackTime.fromMillis(started),
      ended: RackTime.fromMillis(ended),
    },
    archive: null,
    entries: SEED_ARCHIVE_ENTRIES,
    lines,
    finished: true,
    listeners: new Set(),
  };
  app.builds.push(build);
  return build;
}

function seedReleases(world: World, app: AppRecord, seed: SeedApp): void {
  const env = new Map(Object.entries(seed.env));
  for (const spec of seed.builds) {
    const build = seedBuild(world, app, seed, spec);
    app.releases.push({
      id: spec.release,
      app: seed.name,
      build: spec.id,
      env: formatEnv(env),
      manifest: build.data.manifest,
      description: build.data.description,
      created: build.data.ended,
    });
  }
  const last = app.builds.at(-1)?.data;
  if (!seed.envRelease || !last) return;
  const changed = new Map([...env, ...Object.entries(seed.envRelease.set)]);
  const keys = Object.keys(seed.envRelease.set);
  const verb = (k: string) => (env.has(k) ? `change:${k}` : `add:${k}`);
  app.releases.push({
    id: seed.envRelease.id,
    app: seed.name,
    build: last.id,
    env: formatEnv(changed),
    manifest: last.manifest,
    description: `env ${keys.map(verb).join(' ')}`,
    created: RackTime.fromMillis(world.config.startTime - seed.envRelease.hoursAgo * HOUR),
  });
}

function seedProcesses(world: World, app: AppRecord, seed: SeedApp, release: Release): void {
  const domain = world.state.system.domain.replace(/^router\./, '');
  for (const svc of seed.services) {
    const record = newServiceRecord(
      app,
      { ...svc, image: undefined, port: svc.port, count: svc.count },
      domain,
    );
    record.command = svc.command;
    app.services.set(svc.name, record);
  }
  for (const service of [...app.services.values()]) {
    for (let i = 0; i < service.data.count; i++) {
      const pod = createPod(world, app, {
        service,
        release,
        status: 'running',
        started: release.created.toMillis(),
      });
      logStartup(world, app, pod, release.created.toMillis());
    }
  }
}

export function seedDemoApps(world: World): void {
  for (const seed of DEMO_APPS) {
    const app = newAppRecord(world, seed.name, 'running');
    app.data.locked = seed.locked;
    seedReleases(world, app, seed);
    const current = app.releases.find((r) => r.id === seed.current);
    app.data.release = seed.current;
    if (current) seedProcesses(world, app, seed, current);
    world.state.apps.set(seed.name, app);
  }
}
