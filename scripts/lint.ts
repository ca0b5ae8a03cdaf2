// `npm run lint`: every quality gate, each with a clear message; exits non-zero if any fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { checkFileLength } from './checks/file-length.ts';
import { checkNoConsole } from './checks/no-console.ts';
import { checkSuppressions } from './checks/suppressions.ts';

interface Check {
  readonly name: string;
  run(): boolean;
}

function command(name: string, cmd: string, args: readonly string[]): Check {
  return {
    name,
    run: () => spawnSync(cmd, [...args], { stdio: 'inherit' }).status === 0,
  };
}

function inProcess(name: string, fn: () => string[]): Check {
  return {
    name,
    run() {
      const problems = fn();
      for (const p of problems) console.error(`  ${p}`);
      return problems.length === 0;
    },
  };
}

const packages = readdirSync('packages').sort();
const checks: Check[] = [
  command('biome (lint + format)', 'npx', ['biome', 'ci', '.']),
  ...packages.map((p) => command(`typecheck packages/${p}`, 'npx', ['tsc', '-p', `packages/${p}`])),
  command('typecheck scripts, e2e, bench', 'npx', ['tsc', '-p', '.']),
  inProcess('file length (code ≤ 500 lines, tests ≤ 1000)', () => checkFileLength()),
  inProcess('no suppression comments', () => checkSuppressions()),
  inProcess('no console.* in server code', () => checkNoConsole()),
  command('duplication (jscpd, production code)', 'npx', [
    'jscpd',
    '--config',
    '.jscpd.json',
    'packages',
  ]),
  command('lockfile (registry host + integrity)', 'npx', [
    'lockfile-lint',
    '--path',
    'package-lock.json',
    '--type',
    'npm',
    '--allowed-hosts',
    'npm',
    '--validate-https',
    '--validate-integrity',
  ]),
];

const failed: string[] = [];
for (const check of checks) {
  console.log(`\n▶ ${check.name}`);
  if (!check.run()) failed.push(check.name);
}
if (failed.length > 0) {
  console.error(`\nlint FAILED: ${failed.join('; ')}`);
  process.exit(1);
}
console.log(`\nlint passed (${checks.length} checks)`);
