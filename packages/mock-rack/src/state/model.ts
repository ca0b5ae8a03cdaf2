// The mock rack's in-memory state (mock-rack.md §6): the rack, its instances and its apps with
// their services, releases, builds, objects, processes and log buffers. Records hold the §6 wire
// objects (mutable copies) plus what the mock needs to simulate behaviour.
import type { App, Build, Instance, Process, Release, Service, System } from '@rack-gateway/convox';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface LogEntry {
  /** Milliseconds since the epoch (from the injected clock). */
  readonly time: number;
  /** `service/<service>/<pod>` or `system/…`. */
  readonly source: string;
  readonly message: string;
  readonly service?: string;
  readonly pid?: string;
}

export interface ProcessRecord {
  readonly data: Mutable<Process>;
  /** Service pods belong to the formation; run pods come from `POST …/processes`. */
  readonly kind: 'service' | 'run';
}

export type BuildLineListener = (line: string | null) => void;

export interface BuildRecord {
  readonly data: Mutable<Build>;
  /** The source archive (gzip + tar) when the build had one. */
  archive: Buffer | null;
  /** Top-level entry names of the archive (for `ls`). */
  entries: string[];
  readonly lines: string[];
  finished: boolean;
  readonly listeners: Set<BuildLineListener>;
}

export interface ServiceRecord {
  readonly data: Mutable<Service>;
  /** The command new pods of this service run. */
  command: string;
}

export interface AppRecord {
  readonly data: Mutable<App>;
  readonly services: Map<string, ServiceRecord>;
  /** Oldest first. */
  readonly releases: Release[];
  /** Oldest first. */
  readonly builds: BuildRecord[];
  readonly objects: Map<string, Buffer>;
  readonly processes: Map<string, ProcessRecord>;
  /** Pod output and `system/…` events of the app, in time order. */
  readonly logs: LogEntry[];
}

export interface RackState {
  readonly system: Mutable<System>;
  readonly systemReleases: Release[];
  readonly systemProcesses: Process[];
  readonly instances: Mutable<Instance>[];
  readonly apps: Map<string, AppRecord>;
  /** Rack-level events (`/system/logs`). */
  readonly systemLogs: LogEntry[];
  /** The fixed 10-char pod-name part per `service@release`. */
  readonly podHashes: Map<string, string>;
  /** Round-robin placement counter and per-instance IP counters. */
  placement: number;
  readonly ipCounters: Map<string, number>;
}

/** Log buffers are bounded (5 000 lines per pod in the spec; per app here, scaled by pods). */
export const APP_LOG_LIMIT = 50_000;
/**
 * A full buffer is trimmed back to the limit once it holds this many lines more, not on every
 * line: trimming moves the whole array, which per line made appending to a full buffer cost
 * O(limit) and throttled a log stream to a few thousand lines a second. Readers never look past
 * the newest `APP_LOG_LIMIT` lines, so the slack is invisible.
 */
export const LOG_TRIM_SLACK = 5_000;
