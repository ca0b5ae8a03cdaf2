// Golden responses (mock-rack.md §13.3, §13.7): seeded records byte for byte (indentation, key
// order, null vs [], trailing newline, time format), and byte-identical answers from two mocks with
// the same seed, start time and request script.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Fixture, form, rack, startFixture } from './support/raw.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.mock.close());

const golden = (file: string) =>
  readFileSync(join(import.meta.dirname, 'golden', `${file}.golden`), 'utf8');

it.each([
  ['app-storefront.json', '/apps/storefront?'],
  ['services-storefront.json', '/apps/storefront/services?'],
  ['release-RSTOREFAAAD.json', '/apps/storefront/releases/RSTOREFAAAD?'],
  ['processes-docs.json', '/apps/docs/processes?'],
  ['build-BDOCSAAAAAA.json', '/apps/docs/builds/BDOCSAAAAAA?'],
  ['system.json', '/system?'],
])('%s matches the golden file', async (file, path) => {
  const res = await rack(f, { path });
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.body).toBe(golden(file));
});

it('escapes like Go and keeps sub-second times', async () => {
  f.clock.advance(250);
  const res = await form(f, 'POST', '/apps/docs/releases?', 'env=HTML%3D%3Cb%3E%26%E2%80%A8');
  expect(res.body).toContain('"env": "HTML=\\u003cb\\u003e\\u0026\\u2028"');
  expect(res.body).toContain(
    '"description": "env add:HTML remove:ALGOLIA_API_KEY remove:PORT remove:SITE_URL"',
  );
  expect(res.body).toContain('"created": "2025-01-15T12:00:00.25Z"\n}\n');
});

async function script(seed: number): Promise<string[]> {
  const fx = await startFixture(seed);
  const bodies: string[] = [];
  try {
    bodies.push((await form(fx, 'POST', '/apps?', 'name=shop')).body);
    bodies.push((await form(fx, 'POST', '/apps/storefront/releases?', 'env=A%3D1')).body);
    bodies.push(
      (await rack(fx, { method: 'POST', path: '/apps/storefront/builds/import?', body: 'x' })).body,
    );
    bodies.push(
      (await rack(fx, { method: 'POST', path: '/apps/storefront/services/web/processes?' })).body,
    );
    fx.clock.runAll();
    bodies.push((await rack(fx, { path: '/apps/storefront/processes?' })).body);
    bodies.push((await rack(fx, { path: '/instances?' })).body);
  } finally {
    await fx.mock.close();
  }
  return bodies;
}

it('answers byte-identically for the same seed and differently for another', async () => {
  const [a, b, c] = [await script(7), await script(7), await script(8)];
  expect(a).toEqual(b);
  const buildId = (bodies: string[]) => (JSON.parse(bodies[2] ?? '{}') as { id: string }).id;
  expect(buildId(a)).toMatch(/^B[A-Z]{10}$/);
  expect(buildId(a)).not.toBe(buildId(c));
});
