// The public shape of a running mock rack (mock-rack.md §1, §10.3).
import type { Clock } from '../core/clock.js';
import type { Scenario, TimingPreset, Timings } from '../core/options.js';
import type { ExecScript } from '../exec/io.js';
import type { FaultRule, StoredFault } from '../http/faults.js';
import type { RequestLogEntry } from '../http/request-log.js';
import type { AppendLogsInput } from './surface.js';

export interface ResetOptions {
  readonly scenario?: Scenario;
  readonly seed?: number;
  readonly startTime?: number | string;
  readonly timings?: TimingPreset | (Partial<Timings> & { readonly preset?: TimingPreset });
}

/** What the control API (HTTP and programmatic) can do. */
export interface MockRackControl {
  /** Rebuilds the state, clears faults and the request log, resets a manual clock. */
  reset(options?: ResetOptions): void;
  /** Full state dump (apps, services, builds, releases, processes, object keys and sizes, system). */
  state(): unknown;
  readonly requests: {
    /** Recorded requests with `seq > sinceSeq`, oldest first. */
    list(sinceSeq?: number): RequestLogEntry[];
    clear(): void;
  };
  readonly faults: {
    /** Adds a rule; returns its id. */
    add(rule: FaultRule): string;
    list(): readonly StoredFault[];
    remove(id: string): boolean;
    clear(): void;
  };
  /** The injected clock (a ManualClock when one was passed). */
  readonly clock: Clock;
  /** Appends log lines now; following log sockets receive them at once. */
  appendLogs(input: AppendLogsInput): void;
  /** Forces a pod status (for example `crashed`). */
  setProcessStatus(app: string, pid: string, status: string): void;
  /** Adds an exact-match scripted command for exec and run. */
  addExecScript(script: ExecScript): void;
  /** The rack version (`System.version`). */
  version(): string;
}

export interface MockRack extends MockRackControl {
  /** `http://host:port` (no credentials). */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** Closes the listener and every connection; pending transitions are dropped. */
  close(): Promise<void>;
  /** Closes the listener but keeps the state (simulates a rack outage). */
  stop(): Promise<void>;
  /** Re-opens the listener on the same port. */
  start(): Promise<void>;
}
