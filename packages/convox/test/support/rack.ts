// A mock rack per test file on port 0 with a manual clock, and a client pointed at it.

import {
  createManualClock,
  type ManualClock,
  type MockRack,
  startMockRack,
} from '@rack-gateway/mock-rack';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { RackClient, type RackRouteId, rackRoute } from '../../src/index.js';

export interface RackFixture {
  readonly mock: MockRack;
  readonly clock: ManualClock;
  readonly client: RackClient;
  /** A RACK_URL with the rack password. */
  readonly rackUrl: string;
}

export async function startRack(): Promise<RackFixture> {
  const clock = createManualClock();
  const mock = await startMockRack({ port: 0, clock, timings: 'instant', password: 'p@ss/w:rd?' });
  const rackUrl = `http://convox:${encodeURIComponent(mock.password)}@127.0.0.1:${mock.port}`;
  return { mock, clock, client: new RackClient({ url: rackUrl }), rackUrl };
}

export async function stopRack(rack: RackFixture): Promise<void> {
  await rack.client.close();
  await rack.mock.close();
}

/** Asserts the last request the mock saw was routed to the given row (and returns it). */
export function lastRouted(rack: RackFixture, id: RackRouteId) {
  const entry = rack.mock.requests.list().at(-1);
  const route = rackRoute(id);
  if (!entry || entry.routePattern !== route.path)
    throw new Error(`expected a request to ${route.path}, last was ${entry?.routePattern}`);
  return entry;
}

/** Waits until a predicate holds, re-checking after each tick of the event loop. */
export async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A contract test group for one route of the table (route-coverage.test.ts looks for these). */
export function describeRoute(id: RackRouteId, fn: () => void): void {
  describe(`route ${id}`, fn);
}

/**
 * One mock rack for the test file, reset before each test. The returned fixture is filled in by
 * `beforeAll`, so tests can use it directly.
 */
export function useRack(): RackFixture {
  const fixture = {} as RackFixture;
  beforeAll(async () => {
    Object.assign(fixture, await startRack());
  });
  afterAll(() => stopRack(fixture));
  beforeEach(() => fixture.mock.reset());
  return fixture;
}
