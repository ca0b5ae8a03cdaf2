// Per-file fixtures: a mock rack, the fake gateway in front of it, and a fresh config directory.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import { DEPLOYER, FakeGateway, type FakeUser } from './fake-gateway.js';

export interface Stack {
  readonly rack: MockRack;
  readonly gw: FakeGateway;
}

export async function startStack(): Promise<Stack> {
  const rack = await startMockRack({ port: 0 });
  const gw = await FakeGateway.start(rack);
  return { rack, gw };
}

export async function stopStack(stack: Stack | undefined): Promise<void> {
  await stack?.gw.close();
  await stack?.rack.close();
}

export function tempDir(prefix = 'rgw-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a config with one logged-in rack `name` (current) and returns its directory. */
export function loggedIn(
  gw: FakeGateway,
  name = 'demo',
  user: FakeUser = DEPLOYER,
  extra = {},
): { dir: string; token: string } {
  const dir = tempDir();
  const token = gw.issue(user);
  writeConfig(dir, {
    version: 1,
    current: name,
    racks: {
      [name]: {
        url: gw.url,
        token,
        email: user.email,
        name: user.name,
        roles: user.roles,
        expires_at: new Date(Date.now() + 60 * 86_400_000).toISOString(),
        expires_checked_at: new Date().toISOString(),
        ...extra,
      },
    },
  });
  return { dir, token };
}

export function writeConfig(dir: string, config: unknown): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
}

export function readConfig(
  dir: string,
): Record<string, unknown> & { racks: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
}
