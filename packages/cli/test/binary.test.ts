// The real `rack-gateway` executable as a child process: exit codes and the separation of results
// (stdout) from progress and errors (stderr).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYER } from './support/fake-gateway.js';
import { type Stack, startStack, stopStack, tempDir } from './support/fixtures.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'rack-gateway.js');

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function rackGateway(args: string[], env: Record<string, string>, stdin = ''): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: tempDir(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let stack: Stack;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
  env = {
    RACK_GATEWAY_CONFIG_DIR: join(tempDir(), 'config'),
    RACK_GATEWAY_URL: stack.gw.url,
    RACK_GATEWAY_API_TOKEN: stack.gw.issue(DEPLOYER, 'api_token'),
    RACK_GATEWAY_APP: 'storefront',
  };
});
afterAll(() => stopStack(stack));

describe('rack-gateway binary', () => {
  it('prints its version', async () => {
    const res = await rackGateway(['--version'], {});
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('usage errors exit 2 with nothing on stdout', async () => {
    const res = await rackGateway(['nope'], {});
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain("Error: unknown command 'nope'");
  });

  it('not logged in exits 3', async () => {
    const res = await rackGateway(['apps'], { RACK_GATEWAY_CONFIG_DIR: tempDir() });
    expect(res).toEqual({
      code: 3,
      stdout: '',
      stderr: 'Error: No rack selected. Run: rack-gateway login <rack> <gateway-url>\n',
    });
  });

  it('results on stdout, progress on stderr', async () => {
    const apps = await rackGateway(['apps'], env);
    expect(apps.code).toBe(0);
    expect(apps.stdout.split('\n')[0]).toMatch(/^APP\s+STATUS\s+RELEASE$/);
    expect(apps.stderr).toBe('');
    const restart = await rackGateway(['restart', 'worker'], env);
    expect(restart).toEqual({ code: 0, stdout: '', stderr: 'Restarting worker... OK\n' });
  });

  it('run exits with the remote code; pipe mode reads stdin', async () => {
    expect((await rackGateway(['run', 'web', 'exit 3'], env)).code).toBe(3);
    const cat = await rackGateway(['run', 'web', 'cat'], env, 'hello\n');
    expect(cat).toMatchObject({ code: 0, stdout: 'hello\n' });
  });
});

describe('rack-gateway convox', () => {
  it('runs the native convox binary with RACK_URL in its environment only', async () => {
    const dir = tempDir();
    const fake = join(dir, 'convox');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "args: $*"\ncase "$RACK_URL" in http://convox:*@127.0.0.1:*/api/v1/rack-proxy) echo rack-url-ok ;; esac\nexit 4\n',
      { mode: 0o755 },
    );
    const res = await rackGateway(['convox', 'ps', '-a', 'shop'], {
      ...env,
      RACK_GATEWAY_CONVOX_BIN: fake,
    });
    expect(res).toEqual({ code: 4, stdout: 'args: ps -a shop\nrack-url-ok\n', stderr: '' });
  });

  it('without a convox binary runs native commands natively, else exits 2', async () => {
    const noConvox = { ...env, PATH: tempDir() };
    const apps = await rackGateway(['convox', 'apps'], noConvox);
    expect(apps.code).toBe(0);
    expect(apps.stdout).toContain('storefront');
    const certs = await rackGateway(['convox', 'certs'], noConvox);
    expect(certs.code).toBe(2);
    expect(certs.stderr).toBe(
      'Error: The convox CLI is not installed; install it or use rack-gateway certs\n',
    );
  });
});
