// State shared by the phases of one run: the options, the run's directory, the mock rack and
// mock IdP every gateway talks to, the results, and what must be stopped at the end.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MockIdpUser } from '@rack-gateway/mock-idp';
import { freePort } from '../../e2e/support/ports.ts';
import { createBenchDatabase } from './databases.ts';
import type { GatewaySpec, GatewayVariant } from './gateway-env.ts';
import type { BenchOptions } from './options.ts';
import type { RackProcess } from './rack.ts';
import { RACK_PASSWORD } from './rack.ts';
import type { Results } from './results.ts';

export interface RunContext {
  readonly options: BenchOptions;
  readonly dir: string;
  readonly rack: RackProcess;
  readonly issuer: string;
  readonly results: Results;
  /** Closers run in reverse order at the end, also after a failure. */
  readonly cleanup: (() => Promise<void>)[];
}

export const loginUser = (i: number): string => `bench-login-${i}@example.com`;

export function idpUsers(count: number): MockIdpUser[] {
  return Array.from({ length: count }, (_, i) => ({
    sub: `bench-sub-${i}`,
    email: loginUser(i),
    name: `Bench Login ${i}`,
    emailVerified: true,
    hd: 'example.com',
    note: 'benchmark login',
  }));
}

/** A gateway's spec with its own directory and, on PostgreSQL, a fresh database. */
export async function gatewaySpec(
  ctx: RunContext,
  variant: GatewayVariant,
  purpose: string,
  o: { port?: number; loginUsers?: readonly string[] } = {},
): Promise<GatewaySpec & { databaseName: string | null }> {
  const dir = join(ctx.dir, `${purpose}-${variant}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let databaseUrl: string | null = null;
  let databaseName: string | null = null;
  if (variant === 'postgres') {
    if (ctx.options.databaseUrl === null) throw new Error('no BENCH_DATABASE_URL for PostgreSQL');
    const db = await createBenchDatabase(ctx.options.databaseUrl, purpose.replace(/\W/g, '_'));
    ctx.cleanup.push(() => db.drop());
    databaseUrl = db.url;
    databaseName = db.name;
  }
  return {
    variant,
    dir,
    port: o.port ?? (await freePort()),
    rackUrl: ctx.rack.url,
    rackPassword: RACK_PASSWORD,
    issuer: ctx.issuer,
    databaseUrl,
    databaseName,
    loginUsers: o.loginUsers ?? [],
  };
}

/** Variant order of a round: rotated each round, so no variant always runs first or last. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const k = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
