// mock-rack.md §4.1–4.2: all time goes through the injected clock and all randomness through the
// seeded PRNG. Only core/clock.ts (realClock) may touch the platform's timers and time; the
// `random` seed comes from node:crypto in core/prng.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const ALLOWED = new Set(['core/clock.ts']);
const FORBIDDEN =
  /\b(Date\.now|setTimeout|setInterval|setImmediate|Math\.random|new Date\(\))\s*\(?/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

it('reads time and randomness only through the clock and the PRNG', () => {
  const offenders = files(SRC)
    .map((file) => relative(SRC, file))
    .filter((file) => !ALLOWED.has(file))
    .flatMap((file) =>
      readFileSync(join(SRC, file), 'utf8')
        .split('\n')
        .map((line, i) => [line, i] as const)
        .filter(([line]) => FORBIDDEN.test(line))
        .map(([line, i]) => `${file}:${i + 1}: ${line.trim()}`),
    );
  expect(offenders).toEqual([]);
});
