// The mock's mutable world: state, seeded PRNG streams, clock, timings, log subscribers and the
// scheduler for lifecycle transitions. Handlers and sockets receive it; nothing is global.

import type { ExecScript } from '../exec/io.js';
import type { AppRecord, LogEntry, RackState } from '../state/model.js';
import { APP_LOG_LIMIT, LOG_TRIM_SLACK } from '../state/model.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Timings } from './options.js';
import { Prng } from './prng.js';

export type LogListener = (app: string | null, entry: LogEntry) => void;

export interface WorldConfig {
  readonly seed: number;
  readonly startTime: number;
  readonly timings: Timings;
  readonly version: string;
  readonly rackName: string;
  readonly maxObjectBytes: number;
}

export class World {
  /** Ids (builds, releases, pods, …) in request order. */
  prng: Prng;
  /** Request ids come from their own stream so reads do not shift generated ids. */
  requestIds: Prng;
  /** Bumped after every mutation; response caches key on it. */
  version = 0;
  private readonly timers = new Set<TimerHandle>();
  private readonly cache = new Map<string, { version: number; value: unknown }>();
  private readonly logListeners = new Set<LogListener>();
  /** Scripted exec commands (§8.3), seeded with the migrations. */
  readonly execScripts = new Map<string, ExecScript>();

  constructor(
    public state: RackState,
    public config: WorldConfig,
    readonly clock: Clock,
  ) {
    this.prng = new Prng(config.seed);
    this.requestIds = new Prng(config.seed ^ 0x5bd1e995);
  }

  get timings(): Timings {
    return this.config.timings;
  }

  now(): number {
    return this.clock.now();
  }

  /** Runs `fn` after `delayMs` on the injected clock (0 still defers it: §4.3). */
  schedule(delayMs: number, fn: () => void): TimerHandle {
    const handle = this.clock.setTimer(delayMs, () => {
      this.timers.delete(handle);
      fn();
      this.touch();
    });
    this.timers.add(handle);
    return handle;
  }

  cancel(handle: TimerHandle): void {
    this.clock.clearTimer(handle);
    this.timers.delete(handle);
  }

  /** Marks the state as changed. */
  touch(): void {
    this.version++;
  }

  /** Drops every pending transition. */
  stopTimers(): void {
    for (const t of this.timers) this.clock.clearTimer(t);
    this.timers.clear();
  }

  /** Replaces the state (reset): pending transitions are dropped, PRNG streams re-seeded. */
  replace(state: RackState, config: WorldConfig): void {
    this.stopTimers();
    this.state = state;
    this.config = config;
    this.prng = new Prng(config.seed);
    this.requestIds = new Prng(config.seed ^ 0x5bd1e995);
    this.touch();
  }

  /** A value computed once per state version (precomputed responses for hot reads, §12). */
  cached<T>(key: string, compute: () => T): T {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.version) return hit.value as T;
    const value = compute();
    this.cache.set(key, { version: this.version, value });
    return value;
  }

  app(name: string): AppRecord | undefined {
    return this.state.apps.get(name);
  }

  onLog(listener: LogListener): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** Appends a log line to an app (or the rack when `app` is null) and notifies followers. */
  log(app: AppRecord | null, entry: Omit<LogEntry, 'time'> & { time?: number }): void {
    const full: LogEntry = { ...entry, time: entry.time ?? this.now() };
    const buffer = app ? app.logs : this.state.systemLogs;
    buffer.push(full);
    if (buffer.length > APP_LOG_LIMIT + LOG_TRIM_SLACK)
      buffer.splice(0, buffer.length - APP_LOG_LIMIT);
    for (const listener of this.logListeners) listener(app ? app.data.name : null, full);
  }

  /** Logs a rack event of an app (`system/k8s/…` source). */
  event(app: AppRecord, source: string, message: string): void {
    this.log(app, { source, message });
  }
}
