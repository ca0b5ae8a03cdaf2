// Public surface of the server package (used by tests, e2e suites and the start script).
export { type AppDeps, buildApp } from './app.js';
export { loadConfig } from './config/load-config.js';
export type { Config } from './config/types.js';
export { runCli } from './main.js';
