// `npx tsx bench/profile.ts <file.cpuprofile> [rows]`: the self time of a V8 CPU profile (as
// `BENCH_PROFILE=1 BENCH_KEEP=1 npm run bench` writes one per gateway) grouped by function and by
// package, so that "what bounds it" is one command rather than a flame-graph session.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function packageOf(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/packages/');
  return src >= 0 ? url.slice(src + 1).replace(/^packages\/([^/]+)\/src\/([^/]+).*/, '$1/$2') : url;
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

function top(totals: Map<string, number>, all: number, rows: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([name, us]) => `${((100 * us) / all).toFixed(1).padStart(5)} %  ${name}`);
}

function main(): void {
  const [file, rowsArg] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/profile.ts <file.cpuprofile> [rows]\n');
    process.exitCode = 2;
    return;
  }
  const rows = Number(rowsArg ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const self = selfTimes(profile);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let all = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (node.callFrame.functionName === '(idle)') continue;
    all += us;
    const f = node.callFrame;
    const where = `${f.functionName || '(anonymous)'} ${packageOf(f.url)}:${f.lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + us);
    byPackage.set(packageOf(f.url), (byPackage.get(packageOf(f.url)) ?? 0) + us);
  }
  const out = [
    `busy ${(all / 1000).toFixed(0)} ms of samples`,
    '',
    'by package or module:',
    ...top(byPackage, all, rows),
    '',
    'by function (self time):',
    ...top(byFunction, all, rows),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
