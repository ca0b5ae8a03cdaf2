// cli.md §11 check 4 in a real pseudo-terminal (util-linux `script`): typing `exit 5` into
// `run web sh` exits 5, and the terminal is back in cooked mode (icanon, echo) afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYER } from './support/fake-gateway.js';
import { type Stack, startStack, stopStack, tempDir } from './support/fixtures.js';
import { until } from './support/run-cli.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'rack-gateway.js');
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasScript)('terminal mode in a pseudo-terminal', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stopStack(stack));

  it('run web sh: keystrokes reach the remote shell, exit 5 is returned, the tty is restored', async () => {
    const inner = `${process.execPath} ${BIN} run web sh; echo "code=$?"; stty -a`;
    const child = spawn('script', ['-qec', inner, '/dev/null'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: tempDir(),
        RACK_GATEWAY_CONFIG_DIR: tempDir(),
        RACK_GATEWAY_URL: stack.gw.url,
        RACK_GATEWAY_API_TOKEN: stack.gw.issue(DEPLOYER, 'api_token'),
        RACK_GATEWAY_APP: 'storefront',
        TERM: 'xterm',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      await until(
        () => output.includes('/app $ '),
        `the remote shell prompt in:\n${output}`,
        30_000,
      );
      child.stdin.write('echo typed\r');
      // The tty keeps output post-processing on (Node's raw mode), so the remote \r\n may arrive as \r\r\n.
      await until(() => /\ntyped\r+\n/.test(output), 'the command output', 10_000);
      child.stdin.write('exit 5\r');
      await until(() => output.includes('code='), 'the exit code', 10_000);
      child.stdin.end();
      await closed;
    } catch (err) {
      throw new Error(`${(err as Error).message}; output so far: ${JSON.stringify(output)}`);
    } finally {
      child.kill();
    }
    expect(output).toContain('code=5');
    const stty = output.slice(output.indexOf('code='));
    expect(stty).toMatch(/(^|\s)icanon(\s|;|$)/m);
    expect(stty).toMatch(/(^|\s)echo(\s|;|$)/m);
  }, 60_000);
});
