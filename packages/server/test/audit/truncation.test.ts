// Issue 10, finding 2: without anchors, deleting the newest events, emptying the table, or cutting
// the tail while the gateway was stopped all verified as intact, and the gateway's own role owned
// the audit schema. Now the head witness (audit.chain_head, written only by the owner's triggers)
// makes every one of them `truncated`, start-up refuses to extend such a chain, and on PostgreSQL
// the runtime role can neither delete audit rows, nor touch the triggers, nor move the witness back.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditService } from '../../src/audit/audit-service.js';
import { keyringFromConfig } from '../../src/audit/chain/keys.js';
import { chainAuditLog } from '../../src/audit/chain-audit-log.js';
import {
  formatVerifyReport,
  verifyAudit,
  verifyExitCode,
} from '../../src/audit/verify/verify-audit.js';
import { FatalStartupError } from '../../src/bootstrap.js';
import { AUDIT_ROLES_SQL, secureAuditRoles } from '../../src/db/audit-roles.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { openPostgres } from '../../src/db/postgres.js';
import { systemClock } from '../../src/lib/clock.js';
import { postgresTarget } from '../support/postgres-target.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';
import { CHAIN, eventCount, KEYRING, makeWriter, sampleEvent, tamper } from './support.js';

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await createTestDb();
});
afterEach(async () => {
  await tdb.close();
});

async function writeChain(db: Database, n: number): Promise<void> {
  const writer = makeWriter(db, { batchMaxEvents: 7 });
  const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
  await Promise.all(
    Array.from({ length: n }, (_, i) => log.append(sampleEvent(i), { durable: true })),
  );
  await writer.close(5000);
}

const verify = (db: Database = tdb.db, chainId = CHAIN, keyring = KEYRING) =>
  verifyAudit({ db, chainId, keyring, anchors: null, now: new Date() });

function capturingLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => raw.push(s) });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('finding 2: audit truncation is not detected without anchors', () => {
  it('deleting the newest events → verify exits 1 with truncated at the first missing seq', async () => {
    await writeChain(tdb.db, 40);
    expect(verifyExitCode(await verify())).toBe(0);
    await tamper(tdb.db, 'DELETE FROM audit.audit_event WHERE seq > 30');
    const report = await verify();
    expect(report.first_break).toMatchObject({ seq: 31, reason: 'truncated' });
    expect(report.witness?.seq).toBe(41);
    expect(verifyExitCode(report)).toBe(1);
    expect(formatVerifyReport(report)).toMatch(/BROKEN[\s\S]*first break: seq 31 \(truncated\)/);
  });

  it('truncating the whole table → truncated; a database without any event is truncated too', async () => {
    expect((await verify()).first_break).toMatchObject({ seq: 1, reason: 'truncated' });
    await writeChain(tdb.db, 10);
    await tamper(tdb.db, 'TRUNCATE audit.audit_event');
    const report = await verify();
    expect(report.first_break).toMatchObject({ seq: 1, reason: 'truncated' });
    expect(report.first_break?.detail).toMatch(/records seq 11 .* but the chain has no events/);
    expect(verifyExitCode(report)).toBe(1);
  });

  it('stopping the gateway, deleting the tail and starting again: start-up refuses loudly to extend it, verify says truncated', async () => {
    const config = testConfig();
    const first = createAuditService({ config, db: tdb.db, logger: silentLogger, lines: () => 0 });
    await first.startupStep().run();
    for (let i = 0; i < 5; i++) {
      await first.log.append(sampleEvent(i), { durable: true });
    }
    await first.close();
    await tamper(tdb.db, 'DELETE FROM audit.audit_event WHERE seq > 4');
    const { logger, lines } = capturingLogger();
    const second = createAuditService({ config, db: tdb.db, logger, lines: () => 0 });
    const run = second.startupStep().run();
    await expect(run).rejects.toBeInstanceOf(FatalStartupError);
    await expect(run).rejects.toThrow(
      /SECURITY: the audit chain "rgw-default" was truncated: .*records seq 7 .* newest event is seq 4: seq 5–7 are missing\. Refusing to append/,
    );
    expect(lines().find((l) => l.security_alert === true)).toMatchObject({ level: 50 });
    await expect(second.log.append(sampleEvent(9), { durable: true })).rejects.toThrow(
      /could not be recorded/,
    );
    expect(second.log.healthy()).toBe(false);
    await second.close(200);
    expect(await eventCount(tdb.db)).toBe(4);
    const report = await verify(tdb.db, config.audit.chainId, keyringFromConfig(config));
    expect(report.first_break).toMatchObject({ seq: 5, reason: 'truncated' });
  });

  it('after the whole table was emptied, start-up refuses instead of silently starting a new chain', async () => {
    const config = testConfig();
    const first = createAuditService({ config, db: tdb.db, logger: silentLogger, lines: () => 0 });
    await first.startupStep().run();
    await first.close();
    await tamper(tdb.db, 'TRUNCATE audit.audit_event');
    const second = createAuditService({ config, db: tdb.db, logger: silentLogger, lines: () => 0 });
    await expect(second.startupStep().run()).rejects.toThrow(/but the chain has no events/);
    await second.close(200);
    expect(await eventCount(tdb.db)).toBe(0);
  });

  it('the database itself refuses an event that does not extend the witness, and a witness moved backwards', async () => {
    await writeChain(tdb.db, 10);
    await tamper(tdb.db, 'DELETE FROM audit.audit_event WHERE seq > 8');
    await expect(
      tdb.db.query(
        `INSERT INTO audit.audit_event (chain_id, seq, key_id, previous_hash, ts, occurred_at, event_id,
           actor_type, user_email, user_name, api_token_name, channel, action_type, action, resource,
           resource_type, status, rbac_decision, response_time_ms, ip_address, user_agent, request_id,
           command, details, event_hash)
         SELECT chain_id, 9, key_id, event_hash, ts, occurred_at, gen_random_uuid(), actor_type,
           user_email, user_name, api_token_name, channel, action_type, action, resource, resource_type,
           status, rbac_decision, response_time_ms, ip_address, user_agent, request_id, command,
           details, event_hash
         FROM audit.audit_event WHERE seq = 8`,
      ),
    ).rejects.toThrow(/head witness is at seq 11; seq 9 does not extend it/);
    await expect(tdb.db.query('UPDATE audit.chain_head SET seq = 8')).rejects.toThrow(
      /only moves forward/,
    );
    await expect(tdb.db.query('DELETE FROM audit.chain_head')).rejects.toThrow(
      /only moves forward/,
    );
    await expect(tdb.db.query('TRUNCATE audit.chain_head')).rejects.toThrow(/append-only/);
  });

  it('verify warns when the connected role can bypass the audit tables (owner, superuser or embedded)', async () => {
    await writeChain(tdb.db, 3);
    const report = await verifyAudit({
      db: tdb.db,
      chainId: CHAIN,
      keyring: KEYRING,
      anchors: null,
      now: new Date(),
      embedded: tdb.kind === 'pglite',
    });
    expect(report.ok).toBe(true);
    expect(report.database_role.superuser).toBe(true);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(tdb.kind === 'pglite' ? /embedded PGlite/ : /superuser/);
    expect(formatVerifyReport(report)).toMatch(/WARNING: /);
  });
});

describe.skipIf(postgresTarget() === null)(
  'finding 2 on PostgreSQL: the runtime role cannot rewrite the audit log (skipped on PGlite: one superuser session)',
  () => {
    const password = randomBytes(12).toString('hex');
    let role = '';
    let runtime: Database | null = null;

    const connectAs = (name: string): Database => {
      const url = new URL(tdb.url ?? '');
      url.username = name;
      url.password = password;
      return openPostgres({
        url: url.href,
        poolMax: 2,
        statementTimeoutMs: 15_000,
        logger: silentLogger,
      });
    };
    const admin = async (sql: string): Promise<void> => {
      const c = new pg.Client({ connectionString: tdb.url ?? '' });
      await c.connect();
      await c.query(sql).finally(() => c.end());
    };

    beforeEach(async () => {
      if (tdb.kind !== 'postgres') throw new Error('set TEST_DATABASE_URL for this suite');
      role = `rgw_rt_${randomBytes(5).toString('hex')}`;
      await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await tdb.db.transaction((tx) => secureAuditRoles(tx, role));
      runtime = connectAs(role);
    });
    afterEach(async () => {
      await runtime?.close();
      await admin(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    });

    it('writes the chain as the runtime role but cannot delete, update, truncate, disable or drop triggers, or move the head back', async () => {
      const db = runtime as Database;
      await writeChain(db, 12);
      expect((await verify(db)).ok).toBe(true);
      for (const sql of [
        'DELETE FROM audit.audit_event WHERE seq > 6',
        `UPDATE audit.audit_event SET details = '{}'`,
        'TRUNCATE audit.audit_event',
        'UPDATE audit.chain_head SET seq = 6',
        'DELETE FROM audit.chain_head',
        `INSERT INTO audit.chain_head (chain_id, seq, event_hash) VALUES ('other', 0, '\\x00')`,
        'TRUNCATE audit.chain_head',
        // Partitions (migration 0009): no direct access, and archiving is the owner's alone.
        'DELETE FROM audit.audit_event_0000000000001',
        'TRUNCATE audit.audit_event_0000000000001',
        `INSERT INTO audit.archive (chain_id) VALUES ('x')`,
        'DELETE FROM audit.event_partition',
        `SELECT audit.drop_archived_partition('audit_event_0000000000001')`,
      ]) {
        await expect(db.query(sql), sql).rejects.toThrow(/permission denied/);
      }
      for (const sql of [
        'ALTER TABLE audit.audit_event DISABLE TRIGGER USER',
        'DROP TRIGGER audit_event_append_only ON audit.audit_event',
        'DROP TRIGGER audit_event_advances_head ON audit.audit_event',
        'ALTER TABLE audit.chain_head DISABLE TRIGGER ALL',
        'DROP TABLE audit.audit_event_0000000000001',
        'ALTER TABLE audit.audit_event DETACH PARTITION audit.audit_event_0000000000001',
      ]) {
        await expect(db.query(sql), sql).rejects.toThrow(/must be owner/);
      }
      await expect(db.query('SET ROLE rgw_audit_owner')).rejects.toThrow(/permission denied/);
      expect(await eventCount(db)).toBe(13);
      const report = await verify(db);
      expect(report).toMatchObject({ ok: true, witness: { seq: 13 }, warnings: [] });
      expect(report.database_role).toMatchObject({ name: role, owns_audit: false });
    });

    it('verify warns when connected as a member of the owner role', async () => {
      await writeChain(tdb.db, 2);
      await admin(`GRANT rgw_audit_owner TO ${role}`);
      const report = await verify(runtime as Database);
      expect(report.database_role).toMatchObject({ owns_audit: true, superuser: false });
      expect(report.warnings[0]).toMatch(/owns the audit tables/);
    });

    it('migrating as a single CREATEROLE role hands the audit schema to rgw_audit_owner, keeps later audit migrations working and leaves the role outside the owner', async () => {
      const dbName = `${role}_own`;
      await admin(`ALTER ROLE ${role} CREATEROLE`);
      await admin(`CREATE DATABASE ${dbName} OWNER ${role}`);
      const url = new URL(tdb.url ?? '');
      url.pathname = `/${dbName}`;
      url.username = role;
      url.password = password;
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      const session = {
        query: async <T extends Record<string, unknown>>(
          text: string,
          p: readonly unknown[] = [],
        ) => (await client.query(text, [...p])).rows as T[],
        exec: async (script: string) => {
          await client.query(script);
        },
        release: async () => undefined,
      };
      try {
        await migrate(session);
        const later = {
          id: '9999_test_audit_column',
          sql: 'ALTER TABLE audit.anchor ADD COLUMN x text',
        };
        expect(await migrate(session, [...MIGRATIONS, later])).toEqual([later.id]);
        const rows = await session.query<{ owner: string; member: boolean; writer: boolean }>(
          `SELECT (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'audit') AS owner,
             pg_has_role(current_user, 'rgw_audit_owner', 'MEMBER') AS member,
             pg_has_role(current_user, 'rgw_audit_writer', 'USAGE') AS writer`,
        );
        expect(rows[0]).toEqual({ owner: 'rgw_audit_owner', member: false, writer: true });
        await expect(
          session.query('ALTER TABLE audit.audit_event DISABLE TRIGGER USER'),
        ).rejects.toThrow(/must be owner/);
      } finally {
        await client.end();
        await admin(`DROP DATABASE ${dbName} WITH (FORCE)`);
      }
    });
  },
);

describe('finding 2: the operator documentation', () => {
  it('docs/audit.md gives the role script verbatim', () => {
    const docs = readFileSync(new URL('../../../../docs/audit.md', import.meta.url), 'utf8');
    expect(docs).toContain(`\`\`\`sql\n${AUDIT_ROLES_SQL}\n\`\`\``);
  });
});
