// The rack-gateway CLI (cli.md): `main` runs one invocation against a given process boundary.
export { CliError, EXIT } from './errors.js';
export { type CliIo, DEFAULT_TIMINGS, type Timings } from './io.js';
export { main } from './main.js';
