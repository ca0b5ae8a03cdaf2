// Acceptance: a `convox deploy`-like sequence through the client against the mock rack
// (convox-rack-api.md §8.1 and the promote flow §8.9): upload → build → streamed build logs →
// promote → poll until the app runs the new release.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_MANIFEST, tgz } from './support/archive.js';
import { type RackFixture, startRack, stopRack } from './support/rack.js';

let rack: RackFixture;
beforeAll(async () => {
  rack = await startRack();
  rack.mock.reset({ timings: 'fast' });
});
afterAll(() => stopRack(rack));

it('deploys storefront and ends up running the new release', async () => {
  const { client, clock } = rack;
  const archive = tgz({ 'convox.yml': APP_MANIFEST, 'package.json': '{}', 'src/a.js': '' });

  const system = await client.getSystem();
  expect(system.version.startsWith('3')).toBe(true);

  let uploaded = 0;
  const object = await client.uploadObject('storefront', Readable.from([archive]), {
    onProgress: (p) => {
      uploaded = p.sentBytes;
    },
  });
  expect(uploaded).toBe(archive.length);

  const build = await client.createBuild('storefront', {
    url: object.url,
    description: 'build 1a2b3c4d5e Deploy test',
    gitSha: '1a2b3c4d5e'.padEnd(40, '0'),
  });
  expect(build.status).toBe('created');

  const logs = await client.buildLogs('storefront', build.id);
  const lines: string[] = [];
  let eof = false;
  const reading = (async () => {
    for await (const frame of logs) lines.push(frame.toString().trimEnd());
    eof = true;
  })();
  // The build advances with the rack's clock; the log socket is read until its EOF.
  for (let i = 0; !eof; i++) {
    if (i > 2000) throw new Error(`build log stalled: ${lines.join(' | ')}`);
    clock.advance(10);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await reading;
  expect(lines.at(-1)).toBe(`Build complete: ${build.id}`);
  expect(lines.slice(0, 3)).toEqual([
    `Preparing source (3 files, ${archive.length} bytes)`,
    'Parsing manifest: convox.yml',
    'Building: web',
  ]);

  const built = await client.getBuild('storefront', build.id);
  expect(built.status).toBe('complete');
  expect(built.release).toMatch(/^R[A-Z]{10}$/);

  expect((await client.getApp('storefront')).status).toBe('running');
  await client.promoteRelease('storefront', built.release);
  let app = await client.getApp('storefront');
  let polls = 0;
  while (app.status !== 'running' || app.release !== built.release) {
    expect(app.status).not.toBe('rollback');
    clock.advance(100);
    app = await client.getApp('storefront');
    polls++;
  }
  expect(polls).toBeGreaterThan(0);
  const web = await client.listProcesses('storefront', { service: 'web' });
  expect(web.map((p) => [p.release, p.status])).toEqual([
    [built.release, 'running'],
    [built.release, 'running'],
  ]);
  expect(await client.listServices('storefront')).toHaveLength(1);
});
