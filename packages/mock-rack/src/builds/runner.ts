// Running a build (mock-rack.md §7): created → running → the log script one line per `buildLine`
// → complete with a new release, or failed with `ERROR: <reason>`. The terminal status is set
// before the build-log stream gets EOF.
import { RackTime } from '@rack-gateway/convox';
import type { World } from '../core/world.js';
import type { AppRecord, BuildRecord } from '../state/model.js';
import { createRelease } from '../state/releases.js';
import { readArchive } from './archive.js';
import { ManifestError, parseManifest } from './manifest.js';
import { parsingLine, preparingLine, successLines } from './script.js';

export interface BuildPlan {
  readonly lines: string[];
  /** The failure reason, or undefined when the build succeeds. */
  readonly failure: string | undefined;
}

/** Reads the archive and manifest now (Build.manifest is known at creation). */
export function planBuild(
  world: World,
  app: AppRecord,
  build: BuildRecord,
  manifestName: string,
  forcedFailure: boolean,
): BuildPlan {
  let archive: ReturnType<typeof readArchive>;
  try {
    archive = readArchive(build.archive ?? Buffer.alloc(0));
  } catch (err) {
    return { lines: [], failure: `invalid build archive: ${(err as Error).message}` };
  }
  build.entries = [...archive.entries];
  const lines = [
    preparingLine(archive.files.length, build.archive?.length ?? 0),
    parsingLine(manifestName),
  ];
  const manifestFile = archive.files.find((f) => f.path === manifestName);
  if (!manifestFile) return { lines, failure: `manifest not found: ${manifestName}` };
  build.data.manifest = manifestFile.data.toString('utf8');
  try {
    const services = parseManifest(build.data.manifest);
    if (forcedFailure) return { lines, failure: 'mock build failure' };
    if (archive.files.some((f) => f.path.split('/').pop() === '.mock-build-fail'))
      return { lines, failure: 'build failed: .mock-build-fail present' };
    return {
      lines: [...lines, ...successLines(app.data.name, build.data.id, services, world.prng)],
      failure: undefined,
    };
  } catch (err) {
    if (err instanceof ManifestError) return { lines, failure: err.message };
    throw err;
  }
}

function emit(build: BuildRecord, line: string | null): void {
  if (line !== null) build.lines.push(line);
  for (const listener of build.listeners) listener(line);
}

function finish(world: World, app: AppRecord, build: BuildRecord, failure: string | undefined) {
  const { data } = build;
  if (failure === undefined) {
    const release = createRelease(world, app, { build: data.id });
    data.release = release.id;
    data.status = 'complete';
  } else {
    emit(build, `ERROR: ${failure}`);
    data.status = 'failed';
    data.reason = failure;
  }
  data.ended = RackTime.fromMillis(world.now());
  build.finished = true;
  emit(build, null);
}

/** Schedules the build's progress on the clock. */
export function runBuild(world: World, app: AppRecord, build: BuildRecord, plan: BuildPlan): void {
  const step = (index: number): void => {
    if (!world.app(app.data.name)) return;
    const line = plan.lines[index];
    if (line === undefined) {
      finish(world, app, build, plan.failure);
      return;
    }
    emit(build, line);
    world.schedule(world.timings.buildLine, () => step(index + 1));
  };
  world.schedule(0, () => {
    build.data.status = 'running';
    world.schedule(world.timings.buildLine, () => step(0));
  });
}
