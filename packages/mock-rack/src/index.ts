// A fake Convox rack speaking the rack API wire protocol (mock-rack.md). Used by demo mode, tests
// and benchmarks.
export { type MockRack, type MockRackOptions, startMockRack } from './server.js';
