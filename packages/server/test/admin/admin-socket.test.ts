// The admin socket on its own (config.md §4): the break-glass `users` commands a running server
// runs for the account that owns its data directory. A command through the socket does and audits
// exactly what the same command run directly does; the socket and its per-start secret are 0600;
// a request without the current secret, a data directory other accounts can write to, or a socket
// nobody listens on are refused with a reason, never a stack trace.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdminSocket, userCommandHandler } from '../../src/admin/admin-socket.js';
import { callAdminSocket } from '../../src/admin/admin-socket-client.js';
import { adminSocketPaths } from '../../src/admin/admin-socket-files.js';
import {
  type AdminCommandHandler,
  type AdminSocketServer,
  startAdminSocketServer,
} from '../../src/admin/admin-socket-server.js';
import { runUserCommand } from '../../src/admin/user-tasks.js';
import type { Database } from '../../src/db/database.js';
import { findUserByEmail, insertUser, updateUser } from '../../src/identity/users/user-store.js';
import { RecordingAudit } from '../support/recording-audit.js';
import { TestClock } from '../support/test-clock.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';

const config = testConfig({ OIDC_ALLOWED_DOMAINS: 'example.com' });
const clock = new TestClock();
const privateDir = () => mkdtempSync(join(tmpdir(), 'rgw-admin-'));

let test: TestDatabase;
const audit = new RecordingAudit();
const open: AdminSocketServer[] = [];

async function start(dataDir: string, handle?: AdminCommandHandler): Promise<AdminSocketServer> {
  const started = await startAdminSocketServer({
    dataDir,
    handle: handle ?? userCommandHandler({ config, db: test.db, audit, clock }),
    logger: silentLogger,
  });
  if ('problem' in started) throw new Error(started.problem);
  open.push(started);
  return started;
}

async function lockedUser(db: Database, email: string): Promise<void> {
  const user = await insertUser(db, {
    email,
    name: email,
    roles: ['deployer'],
    createdByUserId: null,
    now: clock.now(),
  });
  await updateUser(db, user.id, { lockedAt: clock.now(), lockedReason: 'test hold' }, clock.now());
}

beforeAll(async () => {
  test = await createTestDb();
});
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
  audit.clear();
});
afterAll(async () => {
  await test.close();
});

describe('admin socket', () => {
  it('issue 19 finding 4: unlock through the socket unlocks and is audited like the direct command', async () => {
    const dir = privateDir();
    await start(dir);
    await lockedUser(test.db, 'direct@example.com');
    await lockedUser(test.db, 'socket@example.com');
    const direct = await runUserCommand({ config, db: test.db, audit, clock }, 'users.unlock', {
      email: 'direct@example.com',
    });
    const viaSocket = await callAdminSocket(dir, 'users.unlock', { email: 'Socket@Example.com' });
    expect(direct).toEqual({ code: 0, stdout: ['unlocked direct@example.com'], stderr: [] });
    expect(viaSocket).toEqual({
      kind: 'answered',
      outcome: { code: 0, stdout: ['unlocked socket@example.com'], stderr: [] },
    });
    expect((await findUserByEmail(test.db, 'socket@example.com'))?.lockedAt).toBeNull();
    const [byDirect, bySocket] = audit.of('user.unlock');
    expect(bySocket).toEqual({ ...byDirect, resource: 'socket@example.com', seq: 2 });
    expect(bySocket).toMatchObject({ actorType: 'system', channel: 'system', durable: true });
  });

  it('issue 19 finding 4: create, reset-mfa and seed answer what the direct command prints, with its exit codes', async () => {
    const dir = privateDir();
    await start(dir);
    const create = { email: 'new@example.com', name: 'New', role: 'viewer' };
    const created = await callAdminSocket(dir, 'users.create', create);
    expect(created).toMatchObject({
      outcome: { code: 0, stdout: ['created new@example.com (viewer)'] },
    });
    const again = await callAdminSocket(dir, 'users.create', create);
    expect(again).toMatchObject({
      outcome: { code: 1, stderr: ['users: user new@example.com already exists'] },
    });
    const foreign = await callAdminSocket(dir, 'users.create', { ...create, email: 'x@other.org' });
    expect(foreign).toMatchObject({ outcome: { code: 2 } });
    const reset = await callAdminSocket(dir, 'users.reset-mfa', { email: 'new@example.com' });
    expect(reset).toMatchObject({
      outcome: {
        code: 0,
        stdout: ['reset MFA of new@example.com: 0 method(s) removed, 0 session(s) revoked'],
      },
    });
    const lists = {
      admin: ['seeded@example.com', 'not an address'],
      deployer: [],
      ops: [],
      viewer: [],
    };
    const seeded = await callAdminSocket(dir, 'users.seed', { lists });
    expect(seeded).toEqual({
      kind: 'answered',
      outcome: {
        code: 0,
        stdout: ['seeded: 1 created, 0 admin role restored'],
        stderr: ['seed users: skipping invalid address "not an address"'],
      },
    });
    expect(audit.events.map((e) => e.action)).toEqual([
      'user.create',
      'user.mfa_reset',
      'user.seed',
    ]);
  });

  it('issue 19 finding 4: the socket and its secret are 0600, the secret is new at each start and gone after close', async () => {
    const dir = privateDir();
    const paths = adminSocketPaths(dir);
    writeFileSync(paths.socket, 'left behind by a process that is gone');
    const first = await start(dir);
    expect(statSync(paths.socket).isSocket()).toBe(true);
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(statSync(paths.secret).mode & 0o777).toBe(0o600);
    const secret = readFileSync(paths.secret, 'utf8');
    await first.close();
    expect(() => statSync(paths.socket)).toThrow(/ENOENT/);
    expect(() => statSync(paths.secret)).toThrow(/ENOENT/);
    await start(dir);
    expect(readFileSync(paths.secret, 'utf8')).not.toBe(secret);
  });

  it('issue 19 finding 4: a request without the current secret is refused and runs nothing', async () => {
    const dir = privateDir();
    let ran = 0;
    await start(dir, async () => {
      ran += 1;
      return { code: 0, stdout: ['ran'], stderr: [] };
    });
    writeFileSync(adminSocketPaths(dir).secret, 'a-secret-from-an-earlier-start\n', {
      mode: 0o600,
    });
    const reply = await callAdminSocket(dir, 'users.unlock', { email: 'a@example.com' });
    expect(reply).toMatchObject({
      outcome: { code: 2, stderr: [expect.stringMatching(/refused: .*current secret/)] },
    });
    expect(ran).toBe(0);
  });

  it('issue 19 finding 4: unknown commands and malformed arguments are usage errors', async () => {
    const dir = privateDir();
    await start(dir);
    const unknown = await callAdminSocket(dir, 'users.delete', { email: 'a@example.com' });
    expect(unknown).toMatchObject({
      outcome: { code: 2, stderr: ['admin socket: unknown command users.delete'] },
    });
    const malformed = await callAdminSocket(dir, 'users.unlock', { email: 42 });
    expect(malformed).toMatchObject({
      outcome: { code: 2, stderr: ['users: email must be a string'] },
    });
  });

  it('issue 19 finding 4: a data directory other accounts can write to gets no socket, and the client will not trust it', async () => {
    const dir = privateDir();
    chmodSync(dir, 0o777);
    const started = await startAdminSocketServer({
      dataDir: dir,
      handle: async () => null,
      logger: silentLogger,
    });
    expect(started).toEqual({ problem: expect.stringContaining(`chmod 700 ${dir}`) });
    expect(() => statSync(adminSocketPaths(dir).socket)).toThrow(/ENOENT/);
    const reply = await callAdminSocket(dir, 'users.unlock', { email: 'a@example.com' });
    expect(reply).toEqual({
      kind: 'unreachable',
      socket: adminSocketPaths(dir).socket,
      reason: expect.stringContaining('writable by other accounts'),
    });
  });

  it('issue 19 finding 4: with nothing listening the client says so instead of failing', async () => {
    const dir = privateDir();
    expect(await callAdminSocket(dir, 'users.unlock', { email: 'a@example.com' })).toEqual({
      kind: 'unreachable',
      socket: join(dir, 'admin.sock'),
      reason: 'no socket there',
    });
  });

  it('issue 19 finding 4: serve offers the socket on the embedded database only', async () => {
    const dir = privateDir();
    const postgres = { ...test.db, kind: 'postgres' } as Database;
    const admin = createAdminSocket({
      config: testConfig({ RGW_DATA_DIR: dir }),
      db: postgres,
      audit,
      clock,
      logger: silentLogger,
    });
    await admin.step.run();
    expect(() => statSync(adminSocketPaths(dir).socket)).toThrow(/ENOENT/);
    await admin.close();
    const embedded = createAdminSocket({
      config: testConfig({ RGW_DATA_DIR: dir }),
      db: { ...test.db, kind: 'pglite' } as Database,
      audit,
      clock,
      logger: silentLogger,
    });
    await embedded.step.run();
    await embedded.step.run(); // start-up retries every step; the socket stays the same
    expect(statSync(adminSocketPaths(dir).socket).isSocket()).toBe(true);
    await embedded.close();
    expect(() => statSync(adminSocketPaths(dir).socket)).toThrow(/ENOENT/);
  });
});

describe('admin socket: IdP binding', () => {
  it('issue 19 finding 4: reset-idp-binding through the socket clears the binding, audited as system', async () => {
    const dir = privateDir();
    await start(dir);
    const user = await insertUser(test.db, {
      email: 'bound@example.com',
      name: 'Bound',
      roles: ['viewer'],
      createdByUserId: null,
      now: clock.now(),
    });
    const binding = { oidcIssuer: 'https://idp.example.com', oidcSubject: 'old-subject' };
    await updateUser(test.db, user.id, binding, clock.now());
    const reply = await callAdminSocket(dir, 'users.reset-idp-binding', {
      email: 'bound@example.com',
    });
    expect(reply).toMatchObject({ outcome: { code: 0, stderr: [] } });
    expect(await findUserByEmail(test.db, 'bound@example.com')).toMatchObject({
      oidcIssuer: null,
      oidcSubject: null,
    });
    expect(audit.of('user.idp_binding_reset')).toEqual([
      expect.objectContaining({
        actorType: 'system',
        channel: 'system',
        resource: 'bound@example.com',
        details: expect.objectContaining({ previous_subject: 'old-subject' }),
      }),
    ]);
  });
});
