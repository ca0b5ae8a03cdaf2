// Issue 10 finding 3, the query side (audit.md §6, §9, §12): an attempt that no outcome names is
// shown as "outcome unknown" in the raw and aggregated lists and in CSV/JSONL exports until its
// outcome lands; a completed mutation is one aggregated row with the outcome's status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/audit/audit-log.js';
import { type ChainAuditLog, chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { exportAudit } from '../../src/audit/query/export.js';
import { parseFilter } from '../../src/audit/query/filters.js';
import { eventBySeq, listAudit } from '../../src/audit/query/list.js';
import { rebuildView } from '../../src/audit/store/aggregated-store.js';
import { systemClock } from '../../src/lib/clock.js';
import { CHAIN, makeWriter, sampleEvent } from '../audit/support.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';

const restart = (requestId: string, extra: Partial<AuditEventInput> = {}): AuditEventInput =>
  sampleEvent(1, {
    action: 'app.restart',
    status: 'attempt',
    httpStatus: null,
    resource: 'storefront',
    requestId,
    userEmail: 'deployer@example.com',
    details: { method: 'POST', path: '/apps/storefront/restart', app: 'storefront' },
    ...extra,
  });

const outcomeOf = (attemptSeq: number, requestId: string): AuditEventInput =>
  restart(requestId, {
    status: 'success',
    httpStatus: 200,
    responseTimeMs: 40,
    details: {
      method: 'POST',
      path: '/apps/storefront/restart',
      app: 'storefront',
      attempt_seq: attemptSeq,
    },
  });

type Row = Record<string, unknown>;

describe('finding 3: a mutation can reach the rack with no audit record (outcome unknown)', () => {
  let tdb: TestDatabase;
  let log: ChainAuditLog;
  let done = 0;
  let pending = 0;
  const filter = parseFilter({ range: 'all', action: 'app.restart' });
  const list = async (view: 'raw' | 'aggregated'): Promise<Row[]> =>
    (
      await listAudit(tdb.db, {
        chainId: CHAIN,
        filter,
        view,
        limit: 50,
        scope: 'all',
        now: new Date(),
      })
    ).items;
  const exported = async (view: 'raw' | 'aggregated', format: 'csv' | 'jsonl') => {
    let text = '';
    const req = { chainId: CHAIN, filter, view, format, now: new Date() } as const;
    for await (const chunk of exportAudit(tdb.db, req, () => undefined)) text += chunk;
    return text;
  };

  beforeAll(async () => {
    tdb = await createTestDb();
    log = chainAuditLog(makeWriter(tdb.db), { appendTimeoutMs: 10_000, clock: systemClock });
    done = (await log.commit(restart('req-done'))) ?? 0;
    await log.append(sampleEvent(2, { userEmail: 'deployer@example.com' }), { durable: true });
    pending = (await log.commit(restart('req-pending'))) ?? 0;
    await log.append(outcomeOf(done, 'req-done'), { durable: true });
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('marks the attempt without an outcome in the raw list and the single event', async () => {
    const raw = await list('raw');
    const bySeq = new Map(raw.map((r) => [r.seq, r]));
    expect(bySeq.get(pending)).toMatchObject({ status: 'attempt', outcome_unknown: true });
    expect(bySeq.get(done)).toMatchObject({ status: 'attempt', outcome_unknown: false });
    expect(raw.filter((r) => r.outcome_unknown === true)).toHaveLength(1);
    expect(await eventBySeq(tdb.db, CHAIN, pending)).toMatchObject({ outcome_unknown: true });
  });

  it('shows a completed mutation as one aggregated row and the pending one as outcome unknown', async () => {
    const check = (rows: Row[]) => {
      // Newest first: the completed row's last event is its outcome, after the pending attempt.
      expect(rows.map((r) => [r.status, r.outcome_unknown, r.event_count])).toEqual([
        ['success', false, 2],
        ['attempt', true, 1],
      ]);
      expect(rows[0]).toMatchObject({ http_status: 200, first_seq: done });
      expect(rows[1]).toMatchObject({ http_status: null, first_seq: pending });
    };
    check(await list('aggregated'));
    await rebuildView(tdb.db, CHAIN);
    check(await list('aggregated'));
  });

  it('says outcome unknown in CSV and JSON Lines exports, raw and aggregated', async () => {
    const csv = (await exported('raw', 'csv')).split('\r\n').filter(Boolean);
    // outcome_unknown is the last column; seq the second (before any quoted cell).
    expect(csv[0]?.split(',').at(-1)).toBe('outcome_unknown');
    const lines = csv.slice(1);
    const pendingLine = lines.find((l) => l.split(',')[1] === String(pending));
    expect(pendingLine?.endsWith(',true')).toBe(true);
    expect(lines.filter((l) => l.endsWith(',true'))).toHaveLength(1);
    const jsonl = (await exported('aggregated', 'jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(jsonl.filter((r) => r.outcome_unknown === true).map((r) => r.first_seq)).toEqual([
      pending,
    ]);
    const rawJsonl = (await exported('raw', 'jsonl')).trimEnd().split('\n');
    const pendingJson = rawJsonl.map((l) => JSON.parse(l) as Row).find((r) => r.seq === pending);
    expect(pendingJson).toMatchObject({ status: 'attempt', outcome_unknown: true });
  });

  it('folds an exec attempt, its open and its close into one process.exec row', async () => {
    const sid = '7d0f5f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    const exec = (extra: Partial<AuditEventInput>): AuditEventInput =>
      sampleEvent(3, {
        action: 'process.exec.open',
        resource: 'web-1',
        requestId: 'req-exec',
        userEmail: 'ops@example.com',
        ...extra,
      });
    const opened = { app: 'storefront', command: 'sh', tty: true, width: null, height: null };
    const attempt =
      (await log.commit(exec({ status: 'attempt', httpStatus: null, details: opened }))) ?? 0;
    await log.append(
      exec({
        httpStatus: 101,
        terminalSessionId: sid,
        details: { ...opened, attempt_seq: attempt },
      }),
      { durable: true },
    );
    await log.append(
      exec({
        action: 'process.exec.close',
        terminalSessionId: sid,
        details: { duration_ms: 900, exit_code: 3, close_reason: 'client' },
      }),
      { durable: true },
    );
    const execFilter = parseFilter({ range: 'all', user: 'ops@example.com' });
    const page = await listAudit(tdb.db, {
      chainId: CHAIN,
      filter: execFilter,
      view: 'aggregated',
      limit: 50,
      scope: 'all',
      now: new Date(),
    });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: 'process.exec',
      status: 'success',
      outcome_unknown: false,
      event_count: 3,
      first_seq: attempt,
      terminal_session_id: sid,
      exit_code: 3,
    });
  });

  it('stops saying outcome unknown once the outcome lands', async () => {
    await log.append(outcomeOf(pending, 'req-pending'), { durable: true });
    expect((await list('raw')).filter((r) => r.outcome_unknown === true)).toEqual([]);
    const rows = await list('aggregated');
    expect(rows.map((r) => [r.status, r.outcome_unknown, r.first_seq])).toEqual([
      ['success', false, pending],
      ['success', false, done],
    ]);
  });
});
