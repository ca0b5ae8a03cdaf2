// @rack-gateway/mock-rack: a fake Convox rack speaking the rack API wire protocol byte for byte
// (mock-rack.md). Used by demo mode, integration and end-to-end tests, and benchmarks.

export type { MockRack, MockRackControl, ResetOptions } from './control/mock-rack-types.js';
export type { AppendLogsInput } from './control/surface.js';
export {
  type Clock,
  createManualClock,
  isManualClock,
  type ManualClock,
  realClock,
  type TimerHandle,
} from './core/clock.js';
export {
  type MockRackOptions,
  type Scenario,
  TIMING_PRESETS,
  type TimingPreset,
  type Timings,
  type TlsOptions,
} from './core/options.js';
export type { ExecScript } from './exec/io.js';
export type { FaultEffect, FaultMatch, FaultRule, StoredFault } from './http/faults.js';
export type { AuthSummary, RequestLogEntry } from './http/request-log.js';
export { RACK_API_ROUTES, type RackApiMethod, type RackApiRoute } from './http/routing.js';
export { DEFAULT_PASSWORD, startMockRack } from './server.js';
