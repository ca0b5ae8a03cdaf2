// `rack-gateway-server users create | seed | unlock` as real processes on an embedded database
// (config.md §4 and acceptance check 9): create then seed are idempotent, a duplicate create exits
// 1, invalid input exits 2, unlock clears a lock.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'packages', 'server', 'src', 'bin.ts');
const TSX = import.meta.resolve('tsx');

describe('users subcommands', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'rgw-users-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DEV_MODE: 'true',
    RGW_DATA_DIR: join(cwd, 'data'),
    RACK_HOST: 'http://127.0.0.1:9',
    RACK_TOKEN: 'unused-rack-token',
    OIDC_ISSUER: 'http://localhost:9',
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    OIDC_CLIENT_ID: 'unused',
    OIDC_CLIENT_SECRET: 'unused-secret',
    OIDC_ALLOWED_DOMAINS: 'example.com',
    ADMIN_USERS: 'root@example.com',
    LOG_FORMAT: 'json',
  };
  const run = (...args: string[]) => {
    const res = spawnSync(process.execPath, ['--import', TSX, BIN, ...args], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: res.status, out: `${res.stdout}${res.stderr}` };
  };

  it('creates a user once, seeds idempotently, refuses bad input with exit 2', () => {
    const created = run(
      'users',
      'create',
      '--email',
      'Dev@Example.com',
      '--name',
      'Dev',
      '--role',
      'deployer',
    );
    expect(created.code, created.out).toBe(0);
    expect(created.out).toContain('created dev@example.com (deployer)');
    const again = run(
      'users',
      'create',
      '--email',
      'dev@example.com',
      '--name',
      'Dev',
      '--role',
      'deployer',
    );
    expect(again.code).toBe(1);
    expect(again.out).toContain('already exists');
    const badRole = run(
      'user',
      'create',
      '--email',
      'x@example.com',
      '--name',
      'X',
      '--role',
      'cicd',
    );
    expect(badRole.code).toBe(2);
    const foreign = run(
      'users',
      'create',
      '--email',
      'x@outside.example',
      '--name',
      'X',
      '--role',
      'viewer',
    );
    expect(foreign.code).toBe(2);
    const seeded = run('users', 'seed');
    expect(seeded.code, seeded.out).toBe(0);
    expect(seeded.out).toContain('seeded: 1 created');
    const reseeded = run('users', 'seed');
    expect(reseeded.out).toContain('seeded: 0 created, 0 admin role restored');
    const unlock = run('users', 'unlock', 'dev@example.com');
    expect(unlock.code).toBe(0);
    expect(unlock.out).toContain('dev@example.com is not locked');
    const unknown = run('users', 'unlock', 'nobody@example.com');
    expect(unknown.code).toBe(1);
  });
});
