// The audit chain across processes on one PostgreSQL (audit.md acceptance 3 and 4, issue 6):
// two processes × 5 concurrent writers × 1,000 events form one unbroken chain and
// `rack-gateway-server audit verify` exits 0; after a superuser edits one row (triggers disabled),
// deletes one, or deletes the newest rows past an S3 anchor, it exits 1 naming the first bad seq.
// Issue 10 finding 2, with real gateway processes on PGlite and PostgreSQL: a gateway stopped, its
// newest events deleted and started again refuses to extend the chain (exit 2, SECURITY line), and
// verify says truncated without any anchor.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_CHAIN, LOAD_KEY, LOAD_SECRET_HEX } from '../bench/audit-load.ts';
import { PGLITE_EXTENSIONS } from '../packages/server/src/db/pglite-extensions.ts';
import {
  motoAvailable,
  S3_CREDENTIALS,
  type S3Server,
  startS3Server,
} from '../packages/server/test/audit/s3-server.ts';
import { startGateway } from './support/gateway-process.ts';
import { waitFor } from './support/ports.ts';
import { createEmptyDatabase, dropDatabase, postgresUrl, withAdmin } from './support/postgres.ts';

const baseUrl = postgresUrl();
const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'packages', 'server', 'src', 'bin.ts');
const TSX = import.meta.resolve('tsx');

function serverEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DEV_MODE: 'true',
    LOG_FORMAT: 'json',
    DATABASE_URL: databaseUrl,
    APP_SECRET_KEY: 'e'.repeat(64),
    AUDIT_HMAC_SECRET: LOAD_SECRET_HEX,
    AUDIT_HMAC_KEY_ID: LOAD_KEY.id,
    AUDIT_CHAIN_ID: LOAD_CHAIN,
    OIDC_ISSUER: 'http://localhost:3345',
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    OIDC_CLIENT_ID: 'e2e',
    OIDC_CLIENT_SECRET: 'e2e-secret',
    RACK_HOST: 'http://127.0.0.1:5443',
    RACK_TOKEN: 'e2e-rack',
    ...extra,
  };
}

function cli(
  args: string[],
  env: Record<string, string>,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'rgw-audit-e2e-')),
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writerProcess(url: string, tag: string): Promise<number | null> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(REPO, 'e2e', 'audit-writer-process.ts'), url, '5', '1000', tag],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The triggers of the event table and of each of its partitions (their own TRUNCATE guard). */
const switchTriggers = (how: 'ENABLE' | 'DISABLE') => `DO $rgw$
DECLARE p record;
BEGIN
  ALTER TABLE audit.audit_event ${how} TRIGGER USER;
  FOR p IN SELECT name FROM audit.event_partition LOOP
    EXECUTE format('ALTER TABLE audit.%I ${how} TRIGGER USER', p.name);
  END LOOP;
END
$rgw$`;

async function superuser(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const statement of TAMPER(sql)) await c.query(statement);
  } finally {
    await c.end();
  }
}

const verifyJson = (env: Record<string, string>, extra: string[] = ['--no-anchors']) => {
  const r = cli(['audit', 'verify', '--json', ...extra], env);
  return {
    code: r.code,
    report: JSON.parse(r.stdout || '{}') as Record<string, unknown>,
    stderr: r.stderr,
  };
};

describe.skipIf(baseUrl === null)('audit chain on PostgreSQL', () => {
  let url = '';
  beforeAll(async () => {
    url = await createEmptyDatabase(baseUrl ?? '');
    const codes = await Promise.all([writerProcess(url, 'a'), writerProcess(url, 'b')]);
    expect(codes).toEqual([0, 0]);
  });
  afterAll(async () => {
    if (url) await dropDatabase(url);
  });

  it('two processes × 5 writers × 1,000 events form one unbroken chain; verify exits 0', () => {
    const { code, report } = verifyJson(serverEnv(url));
    expect(code).toBe(0);
    expect(report).toMatchObject({
      ok: true,
      checked_events: 10_001,
      head: { seq: 10_001 },
      first_break: null,
    });
    const human = cli(['audit', 'verify', '--no-anchors'], serverEnv(url));
    expect(human.stdout).toMatch(/INTACT/);
    expect(cli(['audit', 'verify', '--no-anchors', '--quiet'], serverEnv(url)).stdout).toBe('');
  });

  it('exits 1 naming the edited row, then the deleted row', async () => {
    await superuser(
      url,
      `UPDATE audit.audit_event SET details = replace(details, 'GET', 'GeT') WHERE seq = 4321`,
    );
    const edited = verifyJson(serverEnv(url));
    expect(edited.code).toBe(1);
    expect(edited.report.first_break).toMatchObject({ seq: 4321, reason: 'hmac_mismatch' });
    await superuser(url, 'DELETE FROM audit.audit_event WHERE seq = 1234');
    const deleted = verifyJson(serverEnv(url));
    expect(deleted.code).toBe(1);
    expect(deleted.report.first_break).toMatchObject({ seq: 1234, reason: 'gap' });
    expect(verifyJson(serverEnv(url), ['--no-anchors', '--from', '5000']).code).toBe(0);
  });

  it('exits 2 on bad usage and 3 when the database is unreachable', () => {
    expect(cli(['audit', 'verify', '--from', 'zero'], serverEnv(url)).code).toBe(2);
    const down = new URL(url);
    down.port = '1';
    expect(cli(['audit', 'verify', '--no-anchors'], serverEnv(down.href)).code).toBe(3);
  });
});

describe.skipIf(baseUrl === null || !motoAvailable())('audit archive through the CLI', () => {
  let url = '';
  let s3: S3Server;
  let env: Record<string, string>;
  const BEFORE = ['--before', '2100-01-01T00:00:00Z'];
  beforeAll(async () => {
    s3 = await startS3Server();
    const { name } = await s3.bucket();
    url = await createEmptyDatabase(baseUrl ?? '');
    env = serverEnv(url, {
      AUDIT_ANCHOR_BUCKET: name,
      AUDIT_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    });
    const migrated = cli(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    // A first partition of 1,000 seqs instead of the migration's 10M, so the writers' 5,001
    // events leave one whole partition behind the head.
    await superuser(
      url,
      `DROP TABLE audit.audit_event_0000000000001; DELETE FROM audit.event_partition;
       SELECT audit.extend_partitions(500, 1000)`,
    );
    expect(await writerProcess(url, 'z')).toBe(0);
  });
  afterAll(async () => {
    if (url) await dropDatabase(url);
    await s3?.stop();
  });

  it('moves the partition behind the head to the bucket, drops it, and verify still proves seq 1 onwards', () => {
    expect(cli(['audit', 'archive'], env).code).toBe(2);
    expect(cli(['audit', 'archive', '--before', 'yesterday'], env).code).toBe(2);
    const dry = cli(['audit', 'archive', ...BEFORE, '--dry-run'], env);
    expect(dry.stdout, dry.stderr).toMatch(/would archive audit_event_0000000000001: seq 1–1000/);
    const run = cli(['audit', 'archive', ...BEFORE, '--segment-events', '400'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/archived audit_event_0000000000001: seq 1–1000/);
    const { code, report } = verifyJson(env, []);
    expect(code).toBe(0);
    expect(report).toMatchObject({
      checked_events: 5001,
      archived: { segments: 3, to_seq: 1000, checked_events: 1000 },
    });
    // Without the bucket the archived events cannot be read back: inconclusive.
    expect(verifyJson(env).code).toBe(3);
    expect(cli(['audit', 'archive', ...BEFORE], env).stdout).toMatch(
      /no partition behind the head/,
    );
  });
});

describe.skipIf(baseUrl === null || !motoAvailable())('audit anchors and truncation', () => {
  let url = '';
  let s3: S3Server;
  let env: Record<string, string>;
  beforeAll(async () => {
    s3 = await startS3Server();
    const { name } = await s3.bucket();
    url = await createEmptyDatabase(baseUrl ?? '');
    expect(await writerProcess(url, 'c')).toBe(0);
    env = serverEnv(url, {
      AUDIT_ANCHOR_BUCKET: name,
      AUDIT_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    });
  });
  afterAll(async () => {
    if (url) await dropDatabase(url);
    await s3?.stop();
  });

  it('anchors the head, verifies with anchors, and reports truncation after the newest rows are deleted', async () => {
    const anchored = cli(['audit', 'anchor'], env);
    expect(anchored.code, anchored.stderr).toBe(0);
    expect(anchored.stdout).toMatch(
      /anchor written: rgw-load\/\d{4}\/\d{2}\/\d{2}\/anchor-00000000000000005001-/,
    );
    const intact = verifyJson(env, []);
    expect(intact.code).toBe(0);
    expect(intact.report.anchors).toMatchObject({ checked: 1, latest_seq: 5001, truncated: false });
    await superuser(url, 'DELETE FROM audit.audit_event WHERE seq > 4991');
    const truncated = verifyJson(env, []);
    expect(truncated.code).toBe(1);
    expect(truncated.report.first_break).toMatchObject({ seq: 4992, reason: 'truncated' });
  });
});

interface Engine {
  readonly name: string;
  env(): Record<string, string>;
  /** Runs `sql` with the audit_event triggers disabled, as a superuser (or the data dir's owner). */
  tamper(sql: string): Promise<void>;
  count(): Promise<number>;
}

const TAMPER = (sql: string) => [switchTriggers('DISABLE'), sql, switchTriggers('ENABLE')];
const COUNT = 'SELECT count(*)::int AS n FROM audit.audit_event';

function pgliteEngine(): Engine {
  const dataDir = mkdtempSync(join(tmpdir(), 'rgw-e2e-truncate-'));
  const open = () =>
    PGlite.create({ dataDir: join(dataDir, 'pgdata'), extensions: PGLITE_EXTENSIONS });
  return {
    name: 'PGlite',
    env: () => {
      const { DATABASE_URL: _unused, ...env } = serverEnv('', { RGW_DATA_DIR: dataDir });
      return env;
    },
    async tamper(sql) {
      const db = await open();
      for (const statement of TAMPER(sql)) await db.query(statement);
      await db.close();
    },
    async count() {
      const db = await open();
      const rows = await db.query<{ n: number }>(COUNT);
      await db.close();
      return rows.rows[0]?.n ?? -1;
    },
  };
}

function postgresEngine(url: () => string): Engine {
  return {
    name: 'PostgreSQL',
    env: () => serverEnv(url()),
    tamper: (sql) => superuser(url(), sql),
    async count() {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      const rows = await c.query<{ n: number }>(COUNT).finally(() => c.end());
      return rows.rows[0]?.n ?? -1;
    },
  };
}

async function runUntilStarted(env: Record<string, string>): Promise<void> {
  const gateway = await startGateway({ args: ['serve'], env });
  await waitFor(
    async () => gateway.output().includes('"action":"system.start"'),
    90_000,
    `system.start\n${gateway.output()}`,
  );
  expect(await gateway.stop()).toBe(0);
}

function truncationSuite(engine: () => Engine): void {
  let head = 0;
  it('stop the gateway, delete the tail, start again: start-up refuses loudly (exit 2) and verify says truncated', async () => {
    const e = engine();
    await runUntilStarted(e.env());
    await runUntilStarted(e.env());
    head = await e.count();
    expect(head).toBeGreaterThanOrEqual(3);
    const kept = head - 2;
    await e.tamper(`DELETE FROM audit.audit_event WHERE seq > ${kept}`);
    const restarted = await startGateway({ args: ['serve'], env: e.env() });
    expect(await new Promise((r) => restarted.child.once('exit', r))).toBe(2);
    expect(restarted.output()).toContain(
      `SECURITY: the audit chain "rgw-load" was truncated: the head witness (audit.chain_head) records seq ${head} `,
    );
    expect(restarted.output()).toContain(
      `but the newest event is seq ${kept}: seq ${kept + 1}–${head} are missing. Refusing to append`,
    );
    expect(restarted.output()).toMatch(/"security_alert":true/);
    expect(await e.count()).toBe(kept);
    const { code, report } = verifyJson(e.env());
    expect(code).toBe(1);
    expect(report.first_break).toMatchObject({ seq: kept + 1, reason: 'truncated' });
    expect(report.witness).toMatchObject({ seq: head });
    expect((report.warnings as string[])[0]).toMatch(/embedded PGlite|superuser/);
    const human = cli(['audit', 'verify', '--no-anchors'], e.env());
    expect(human.stdout).toContain(`first break: seq ${kept + 1} (truncated)`);
    expect(human.stdout).toContain('WARNING: ');
  });

  it('an emptied table is truncated, and start-up does not start a new chain on top of it', async () => {
    const e = engine();
    await e.tamper('TRUNCATE audit.audit_event');
    const restarted = await startGateway({ args: ['serve'], env: e.env() });
    expect(await new Promise((r) => restarted.child.once('exit', r))).toBe(2);
    expect(restarted.output()).toMatch(
      new RegExp(`records seq ${head} .* but the chain has no events`),
    );
    expect(await e.count()).toBe(0);
    const { code, report } = verifyJson(e.env());
    expect(code).toBe(1);
    expect(report.first_break).toMatchObject({ seq: 1, reason: 'truncated' });
  });
}

describe('finding 2: audit truncation is not detected without anchors (gateway processes, PGlite)', () => {
  const engine = pgliteEngine();
  truncationSuite(() => engine);
});

describe.skipIf(baseUrl === null)(
  'finding 2: audit truncation is not detected without anchors (gateway processes, PostgreSQL)',
  () => {
    let url = '';
    beforeAll(async () => {
      url = await createEmptyDatabase(baseUrl ?? '');
    });
    afterAll(async () => {
      if (url) await dropDatabase(url);
    });
    const engine = postgresEngine(() => url);
    truncationSuite(() => engine);
  },
);

describe.skipIf(baseUrl === null)(
  'finding 2: the recommended two-role PostgreSQL setup (migration role with CREATEROLE, plain runtime role)',
  () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const migrator = `rgw_e2e_mig_${suffix}`;
    const app = `rgw_e2e_app_${suffix}`;
    let url = '';
    const as = (role: string) => {
      const u = new URL(url);
      u.username = role;
      u.password = 'pw';
      return u.href;
    };
    beforeAll(async () => {
      await withAdmin(baseUrl ?? '', async (c) => {
        await c.query(`CREATE ROLE ${migrator} LOGIN PASSWORD 'pw' CREATEROLE`);
        await c.query(`CREATE ROLE ${app} LOGIN PASSWORD 'pw'`);
        await c.query(`CREATE DATABASE ${migrator} OWNER ${migrator}`);
      });
      const u = new URL(baseUrl ?? '');
      u.pathname = `/${migrator}`;
      url = u.href;
    });
    afterAll(async () => {
      await withAdmin(baseUrl ?? '', async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${migrator} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${app}`);
        await c.query(`DROP ROLE IF EXISTS ${migrator}`);
      });
    });

    it('serve migrates as the migration role, runs as the plain role, and that role cannot rewrite the log; verify as it has no warning', async () => {
      const env = serverEnv(as(app), { DATABASE_MIGRATION_URL: as(migrator) });
      await runUntilStarted(env);
      const c = new pg.Client({ connectionString: as(app) });
      await c.connect();
      try {
        for (const sql of [
          'DELETE FROM audit.audit_event',
          'TRUNCATE audit.audit_event',
          'UPDATE audit.chain_head SET seq = 0',
          'ALTER TABLE audit.audit_event DISABLE TRIGGER USER',
          'DROP TRIGGER audit_event_advances_head ON audit.audit_event',
        ]) {
          await expect(c.query(sql), sql).rejects.toThrow(/permission denied|must be owner/);
        }
      } finally {
        await c.end();
      }
      const { code, report } = verifyJson(env);
      expect(code).toBe(0);
      expect(report).toMatchObject({ ok: true, warnings: [], database_role: { name: app } });
      expect(report.witness).toEqual(report.head);
    });
  },
);
