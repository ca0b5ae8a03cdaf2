#!/usr/bin/env -S npx tsx
// `npm run mock-rack`: the mock rack standalone (mock-rack.md §1), configured from MOCK_RACK_*.
import { readFileSync } from 'node:fs';
import type { MockRackOptions, Scenario, TimingPreset, Timings } from './core/options.js';
import { DEFAULT_PASSWORD, startMockRack } from './server.js';

const env = process.env;

function timings(value: string | undefined): MockRackOptions['timings'] {
  if (value === undefined) return 'realistic';
  if (value.trim().startsWith('{')) return JSON.parse(value) as Partial<Timings>;
  return value as TimingPreset;
}

function tls(): MockRackOptions['tls'] {
  const cert = env.MOCK_RACK_TLS_CERT;
  const key = env.MOCK_RACK_TLS_KEY;
  return cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : undefined;
}

function seed(value: string | undefined): MockRackOptions['seed'] {
  if (value === undefined) return 1;
  return value === 'random' ? 'random' : Number(value);
}

const options: MockRackOptions = {
  host: env.MOCK_RACK_HOST ?? '127.0.0.1',
  port: Number(env.MOCK_RACK_PORT ?? 5443),
  password: env.MOCK_RACK_PASSWORD ?? DEFAULT_PASSWORD,
  scenario: (env.MOCK_RACK_SCENARIO ?? 'demo') as Scenario,
  seed: seed(env.MOCK_RACK_SEED),
  timings: timings(env.MOCK_RACK_TIMINGS),
  trafficLogs: env.MOCK_RACK_TRAFFIC === undefined ? true : env.MOCK_RACK_TRAFFIC !== '0',
  ...(env.MOCK_RACK_START_TIME ? { startTime: env.MOCK_RACK_START_TIME } : {}),
  ...(env.MOCK_RACK_VERSION ? { version: env.MOCK_RACK_VERSION } : {}),
  ...(env.MOCK_RACK_NAME ? { rackName: env.MOCK_RACK_NAME } : {}),
  ...(env.MOCK_RACK_CONTROL ? { controlApi: env.MOCK_RACK_CONTROL !== '0' } : {}),
  ...(tls() ? { tls: tls() } : {}),
};

const rack = await startMockRack(options);
const where = env.MOCK_RACK_PASSWORD === undefined ? rack.password : 'from MOCK_RACK_PASSWORD';
process.stdout.write(`mock rack listening on ${rack.url} (password: ${where})\n`);
const stop = (): void => {
  rack.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
