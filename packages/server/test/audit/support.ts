// Helpers of the audit suites: a chain writer on a test database and sample events.
import type { AuditEventInput } from '../../src/audit/audit-log.js';
import { ChainWriter, type ChainWriterOptions } from '../../src/audit/chain/chain-writer.js';
import { type AuditKeyring, createKeyring } from '../../src/audit/chain/keys.js';
import type { Database } from '../../src/db/database.js';
import { silentLogger } from '../support/test-db.js';

export const CHAIN = 'rgw-test';
export const KEY = { id: 'k1', secret: Buffer.from('b'.repeat(64)) };
export const KEYRING: AuditKeyring = createKeyring(KEY);

export const nowUs = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

export function makeWriter(
  db: Database,
  overrides: Partial<ChainWriterOptions> & { keyring?: AuditKeyring } = {},
): ChainWriter {
  return new ChainWriter({
    db,
    batch: { chainId: CHAIN, keyring: overrides.keyring ?? KEYRING, nowUs },
    logger: silentLogger,
    batchMaxEvents: 500,
    batchLingerMs: 2,
    queueMax: 20_000,
    ...overrides,
  });
}

export function sampleEvent(i: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    action: 'app.list',
    status: 'success',
    actorType: 'user',
    channel: 'cli',
    userEmail: `user${i % 5}@example.com`,
    userName: `User ${i % 5}`,
    resource: 'all',
    httpStatus: 200,
    responseTimeMs: i % 17,
    ipAddress: '127.0.0.1',
    requestId: `req-${i}`,
    details: { method: 'GET', path: '/apps', n: i },
    ...overrides,
  };
}

export async function eventCount(db: Database): Promise<number> {
  const rows = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit.audit_event');
  return Number(rows[0]?.n);
}

/** Runs `sql` as a superuser would: with the append-only triggers disabled for the statement. */
export async function tamper(db: Database, sql: string): Promise<void> {
  // The partitions carry their own TRUNCATE trigger (migration 0009), which the parent's does not
  // switch; an attacker who owns the tables switches both.
  const parts = await db.query<{ name: string }>('SELECT name FROM audit.event_partition');
  const tables = ['audit.audit_event', ...parts.map((p) => `audit.${p.name}`)];
  for (const t of tables) await db.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
  try {
    await db.query(sql);
  } finally {
    for (const t of tables) await db.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
  }
}
