// Release creation (mock-rack.md §6 `POST /apps/{app}/releases`, §7.1 build outcome): base on the
// parent or newest release, replace build and env as asked, describe env changes.
import { RackTime, type Release } from '@rack-gateway/convox';
import { notFound } from '../core/failure.js';
import type { World } from '../core/world.js';
import { describeEnvChanges, formatEnv, parseEnv } from './env.js';
import type { AppRecord, BuildRecord } from './model.js';

export interface ReleaseInput {
  readonly build?: string;
  readonly description?: string;
  readonly env?: string;
  readonly parentRelease?: string;
}

export function findRelease(app: AppRecord, id: string): Release {
  const release = app.releases.find((r) => r.id === id);
  if (!release) throw notFound('release', id);
  return release;
}

export function findBuild(app: AppRecord, id: string): BuildRecord {
  const build = app.builds.find((b) => b.data.id === id);
  if (!build) throw notFound('build', id);
  return build;
}

/** Newest first, at most `limit` (default 10). */
export function newestFirst<T>(items: readonly T[], limit: number | undefined): T[] {
  return [...items].reverse().slice(0, limit ?? 10);
}

function baseRelease(app: AppRecord, parent: string | undefined): Release | undefined {
  if (parent !== undefined) return findRelease(app, parent);
  return app.releases.at(-1);
}

export function createRelease(world: World, app: AppRecord, input: ReleaseInput): Release {
  const base = baseRelease(app, input.parentRelease);
  const buildId = input.build ?? base?.build ?? '';
  const build = buildId === '' ? undefined : findBuild(app, buildId);
  const beforeEnv = parseEnv(base?.env ?? '');
  const env = input.env === undefined ? beforeEnv : parseEnv(input.env);
  const changes = describeEnvChanges(beforeEnv, env);
  let description = build?.data.description ?? base?.description ?? '';
  if (input.env !== undefined && changes !== '') description = `env ${changes}`;
  const release: Release = {
    id: `R${world.prng.letters(10)}`,
    app: app.data.name,
    build: buildId,
    env: formatEnv(env),
    manifest: build?.data.manifest ?? base?.manifest ?? '',
    description: input.description ?? description,
    created: RackTime.fromMillis(world.now()),
  };
  app.releases.push(release);
  return release;
}
