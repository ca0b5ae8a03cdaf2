// Options of the mock rack (mock-rack.md §1) with their defaults, and the timing presets (§4.3).
import type { Clock } from './clock.js';
import { Prng } from './prng.js';

export interface Timings {
  readonly appCreate: number;
  readonly appDelete: number;
  readonly buildLine: number;
  readonly promote: number;
  readonly processStart: number;
  readonly restart: number;
  readonly scale: number;
  readonly rackUpdate: number;
  readonly trafficInterval: number;
}

export type TimingPreset = 'realistic' | 'fast' | 'instant';

export const TIMING_PRESETS: Record<TimingPreset, Timings> = {
  realistic: {
    appCreate: 3000,
    appDelete: 3000,
    buildLine: 250,
    promote: 6000,
    processStart: 1500,
    restart: 2000,
    scale: 3000,
    rackUpdate: 5000,
    trafficInterval: 5000,
  },
  fast: {
    appCreate: 200,
    appDelete: 200,
    buildLine: 10,
    promote: 300,
    processStart: 50,
    restart: 100,
    scale: 200,
    rackUpdate: 200,
    trafficInterval: 5000,
  },
  instant: {
    appCreate: 0,
    appDelete: 0,
    buildLine: 0,
    promote: 0,
    processStart: 0,
    restart: 0,
    scale: 0,
    rackUpdate: 0,
    trafficInterval: 5000,
  },
};

export type Scenario = 'demo' | 'empty';

export interface TlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface MockRackOptions {
  /** Bind address; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 5443. */
  readonly port?: number;
  /** Rack password; `""` accepts any password. Default `mock-rack-password`. */
  readonly password?: string;
  readonly scenario?: Scenario;
  /** PRNG seed for ids, IPs and metrics; `"random"` uses node:crypto. Default 1. */
  readonly seed?: number | 'random';
  /** Default: the real clock. */
  readonly clock?: Clock;
  /** "Now" at seeding (ms or ISO); default now, or 2025-01-15T12:00:00Z with a manual clock. */
  readonly startTime?: number | string;
  /** Preset or overrides; default `instant` when NODE_ENV=test, else `realistic`. */
  readonly timings?: TimingPreset | (Partial<Timings> & { readonly preset?: TimingPreset });
  readonly version?: string;
  readonly rackName?: string;
  /** HTTP control routes under /_mock/; default on when bound to a loopback address. */
  readonly controlApi?: boolean;
  /** Request-log ring size; 0 disables it. Default 1000. */
  readonly recordRequests?: number;
  /** Periodic synthetic request lines from web processes. Default off. */
  readonly trafficLogs?: boolean;
  readonly tls?: TlsOptions;
  /** Per-object limit; default 256 MiB. */
  readonly maxObjectBytes?: number;
}

export interface ResolvedSeedOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly startTime: number;
  readonly timings: Timings;
}

export function resolveTimings(value: MockRackOptions['timings']): Timings {
  const fallback: TimingPreset = process.env.NODE_ENV === 'test' ? 'instant' : 'realistic';
  if (value === undefined) return TIMING_PRESETS[fallback];
  if (typeof value === 'string') return TIMING_PRESETS[value];
  const { preset, ...overrides } = value;
  return { ...TIMING_PRESETS[preset ?? fallback], ...overrides };
}

export function resolveSeed(seed: MockRackOptions['seed']): number {
  if (seed === 'random') return Prng.randomSeed();
  return seed ?? 1;
}

export function resolveStartTime(value: number | string | undefined, now: number): number {
  if (value === undefined) return now;
  return typeof value === 'number' ? value : Date.parse(value);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
