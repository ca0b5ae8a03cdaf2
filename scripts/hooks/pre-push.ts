// pre-push: the full lint and the unit/integration suites (end-to-end suites run in CI).
import { spawnSync } from 'node:child_process';

const run = (args: string[]): boolean => spawnSync('npm', args, { stdio: 'inherit' }).status === 0;
const projects = ['convox', 'mock-rack', 'mock-idp', 'cli', 'web', 'server'].flatMap((p) => [
  '--project',
  p,
]);
if (!run(['run', 'lint']) || !run(['test', '--', ...projects])) {
  console.error('\npre-push failed: fix the problems above and push again.');
  process.exit(1);
}
