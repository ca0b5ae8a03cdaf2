// The assembled audit subsystem (audit.md §4.2, §5.3, §11): start-up creates the chain and appends
// system.start, committed events go to stdout as JSON lines, a changed AUDIT_CHAIN_ID is fatal, and
// a shutdown with the store down prints every unflushed event as an audit_unflushed line.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditService } from '../../src/audit/audit-service.js';
import { FatalStartupError } from '../../src/bootstrap.js';
import type { Database } from '../../src/db/database.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';
import { sampleEvent } from './support.js';

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await createTestDb();
});
afterEach(async () => {
  await tdb.close();
});

describe('audit service', () => {
  it('starts the chain, appends system.start and prints committed events as JSON lines', async () => {
    const lines: string[] = [];
    const config = testConfig({ REPLICA_ID: 'replica-1' });
    const service = createAuditService({
      config,
      db: tdb.db,
      logger: silentLogger,
      lines: (l) => lines.push(l),
    });
    await service.startupStep().run();
    await service.log.append(sampleEvent(1, { details: { method: 'GET', path: '/apps' } }), {
      durable: true,
    });
    await service.close();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((l) => [l.seq, l.action])).toEqual([
      [1, 'audit.chain.create'],
      [2, 'system.start'],
      [3, 'app.list'],
    ]);
    expect(parsed[1]).toMatchObject({
      log_type: 'audit',
      chain_id: 'rgw-default',
      resource: 'replica-1',
      details: { head_seq: 1, replica_id: 'replica-1' },
    });
    expect(parsed[2]?.event_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed[2]?.details).toEqual({ method: 'GET', path: '/apps' });
  });

  it('prints nothing on stdout with AUDIT_STDOUT=false', async () => {
    const lines: string[] = [];
    const service = createAuditService({
      config: testConfig({ AUDIT_STDOUT: 'false' }),
      db: tdb.db,
      logger: silentLogger,
      lines: (l) => lines.push(l),
    });
    await service.startupStep().run();
    await service.close();
    expect(lines).toEqual([]);
  });

  it('stops start-up (exit 2) when AUDIT_CHAIN_ID differs from the stored chain', async () => {
    const first = createAuditService({
      config: testConfig(),
      db: tdb.db,
      logger: silentLogger,
      lines: () => undefined,
    });
    await first.startupStep().run();
    await first.close();
    const second = createAuditService({
      config: testConfig({ AUDIT_CHAIN_ID: 'rgw-prod' }),
      db: tdb.db,
      logger: silentLogger,
      lines: () => undefined,
    });
    const run = second.startupStep().run();
    await expect(run).rejects.toBeInstanceOf(FatalStartupError);
    await expect(run).rejects.toThrow(
      'AUDIT_CHAIN_ID is "rgw-prod" but this database holds the audit chain "rgw-default"',
    );
    await second.close();
  });

  it('prints every event it could not flush at shutdown as audit_unflushed', async () => {
    const state = { down: false };
    const db: Database = {
      ...tdb.db,
      transaction: (fn) =>
        state.down ? Promise.reject(new Error('db down')) : tdb.db.transaction(fn),
    };
    const lines: string[] = [];
    const service = createAuditService({
      config: testConfig(),
      db,
      logger: silentLogger,
      lines: (l) => lines.push(l),
    });
    await service.startupStep().run();
    state.down = true;
    await service.log.append(
      sampleEvent(7, { requestId: 'req-unflushed', details: { method: 'POST', path: '/apps' } }),
      { durable: false },
    );
    await service.close(200);
    const unflushed = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.log_type === 'audit_unflushed');
    expect(unflushed).toHaveLength(1);
    expect(unflushed[0]).toMatchObject({
      action: 'app.list',
      request_id: 'req-unflushed',
      user_email: 'user2@example.com',
      details: { method: 'POST', path: '/apps' },
    });
  });
});
