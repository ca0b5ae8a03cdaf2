// Issue 16, the audit queries at volume (audit.md §12): pages never count the filtered set and
// keep their place while events are appended; search gives the same results as the full scan it
// replaced, through the trigram indexes; stats read the counters and agree with counting the
// events themselves, over any range and the filters the counters are split by.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/audit/audit-log.js';
import { commitBatch } from '../../src/audit/chain/commit-batch.js';
import { normaliseEvent } from '../../src/audit/chain/normalise.js';
import {
  type AuditView,
  parseFilter,
  type QueryParams,
  SEARCH_TEXT,
} from '../../src/audit/query/filters.js';
import { listAudit } from '../../src/audit/query/list.js';
import { auditStats } from '../../src/audit/query/stats.js';
import { LATEST_ROWS_SQL, rebuildView } from '../../src/audit/store/aggregated-store.js';
import type { Database } from '../../src/db/database.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { CHAIN, KEYRING, sampleEvent } from './support.js';

/** What the reference count needs to know of each committed event. */
interface Seen {
  readonly ms: number;
  readonly email: string;
  readonly status: string;
  readonly action: string;
  readonly rt: number;
}

const T0 = Date.UTC(2024, 0, 1, 22, 58, 30, 250);
const USERS = ['ann@example.com', 'Ann@Example.com', 'bob@example.com', 'cy@example.com'];
const STATUSES = ['success', 'success', 'denied', 'failed', 'error', 'attempt'] as const;
const ACTIONS = [
  'app.list',
  'app.read',
  'app.delete',
  'release.promote',
  'env.read',
  'user.lock',
] as const;

async function commitAt(db: Database, ms: number, events: readonly AuditEventInput[]) {
  const ctx = { chainId: CHAIN, keyring: KEYRING, nowUs: () => ms * 1000 };
  return commitBatch(
    db,
    ctx,
    events.map((e) => normaliseEvent(e, new Date(ms))),
  );
}

/** Rows the plan's scans of `table` returned, over all loops (EXPLAIN ANALYZE, FORMAT JSON). */
function rowsRead(plan: unknown, table: string): number {
  let total = 0;
  const visit = (node: Record<string, unknown>): void => {
    if (node['Relation Name'] === table)
      total += Number(node['Actual Rows'] ?? 0) * Number(node['Actual Loops'] ?? 1);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
  };
  for (const top of plan as { Plan: Record<string, unknown> }[]) visit(top.Plan);
  return total;
}

const page = (db: Database, params: QueryParams, view: AuditView, cursor?: string) =>
  listAudit(db, {
    chainId: CHAIN,
    filter: parseFilter(params),
    view,
    limit: 7,
    scope: 'all',
    now: new Date(),
    ...(cursor === undefined ? {} : { cursor }),
  });

describe('audit queries at volume', () => {
  let tdb: TestDatabase;
  const seen: Seen[] = [];

  beforeAll(async () => {
    tdb = await createTestDb();
    // Three days of events, batches at irregular instants (several per minute at times), so the
    // ranges below start and end inside minutes, hours and days.
    let ms = T0;
    for (let b = 0; b < 90; b++) {
      ms += b % 9 === 0 ? 1_700 : 2_400_000 + b * 7_919;
      const events = Array.from({ length: 1 + (b % 4) }, (_, i) => {
        const n = b * 4 + i;
        return sampleEvent(n, {
          userEmail: USERS[n % USERS.length] ?? '',
          status: STATUSES[n % STATUSES.length] ?? 'success',
          action: ACTIONS[(n >> 1) % ACTIONS.length] ?? 'app.list',
          httpStatus: null,
          responseTimeMs: (n * 37) % 101,
        });
      });
      const result = await commitAt(tdb.db, ms, events);
      for (const e of result.events) {
        seen.push({
          ms: Math.floor(e.tsUs / 1000),
          email: e.userEmail.toLowerCase(),
          status: e.status,
          action: e.action,
          rt: e.responseTimeMs,
        });
      }
    }
  });
  afterAll(async () => {
    await tdb?.close();
  });

  describe('stats from the counters', () => {
    const reference = (from: number | null, to: number | null, keep: (s: Seen) => boolean) => {
      const rows = seen.filter(
        (s) => (from === null || s.ms >= from) && (to === null || s.ms <= to) && keep(s),
      );
      const count = (status: string) => rows.filter((s) => s.status === status).length;
      const rt = rows.reduce((a, s) => a + s.rt, 0);
      return {
        total_events: rows.length,
        success: count('success'),
        failed: count('failed'),
        denied: count('denied'),
        error: count('error'),
        alert: 0,
        avg_response_ms: rows.length === 0 ? 0 : Math.round(rt / rows.length),
      };
    };
    const stats = (params: QueryParams) =>
      auditStats(tdb.db, { chainId: CHAIN, filter: parseFilter(params), now: new Date() });
    const iso = (ms: number) => new Date(ms).toISOString();

    it('agree with counting the events over ranges that start and end anywhere', async () => {
      const last = seen.at(-1)?.ms ?? T0;
      const points = [T0 - 1, T0 + 1_700, T0 + 59_999, last - 1, last, last + 1];
      for (let i = 0; i < 24; i++) points.push(T0 + Math.floor(((last - T0) * (i * 7 + 3)) / 170));
      points.push(...seen.slice(0, 40).map((s) => s.ms));
      for (let i = 0; i + 1 < points.length; i += 2) {
        const [a = 0, b = 0] = [points[i], points[i + 1]].sort((x = 0, y = 0) => x - y);
        const range = `${iso(a)}..${iso(b)}`;
        expect(await stats({ start: iso(a), end: iso(b) }), range).toEqual(
          reference(a, b, () => true),
        );
        expect(await stats({ start: iso(a) }), `from ${iso(a)}`).toEqual(
          reference(a, null, () => true),
        );
        expect(await stats({ end: iso(b) }), `until ${iso(b)}`).toEqual(
          reference(null, b, () => true),
        );
      }
      expect(await stats({ range: 'all' })).toEqual(reference(null, null, () => true));
    });

    it('agree with counting the events for each filter the counters are split by', async () => {
      const a = T0 + 3_600_000 * 5 + 12_345;
      const b = T0 + 3_600_000 * 50 + 54_321;
      const span = { start: iso(a), end: iso(b) };
      const cases: [QueryParams, (s: Seen) => boolean][] = [
        [{ user: 'ANN@example.com' }, (s) => s.email === 'ann@example.com'],
        [{ status: 'denied,error' }, (s) => s.status === 'denied' || s.status === 'error'],
        [{ status: 'attempt' }, (s) => s.status === 'attempt'],
        [{ action: 'app.' }, (s) => s.action.startsWith('app.')],
        [{ action: 'release.promote' }, (s) => s.action === 'release.promote'],
        [{ action_type: 'users' }, (s) => s.action === 'user.lock'],
        [{ action_type: 'convox' }, (s) => s.action !== 'user.lock'],
        [{ resource_type: 'env' }, (s) => s.action === 'env.read'],
        [{ resource_type: 'app' }, (s) => s.action.startsWith('app.')],
        [
          { user: 'bob@example.com', status: 'success' },
          (s) => s.email === 'bob@example.com' && s.status === 'success',
        ],
      ];
      for (const [params, keep] of cases) {
        expect(await stats({ ...span, ...params }), JSON.stringify(params)).toEqual(
          reference(a, b, keep),
        );
      }
    });

    it('count the events themselves for filters the counters do not carry', async () => {
      // Every event but the chain's first, a system event without an address.
      const all = await stats({ range: 'all', ip: '127.0.0.1' });
      expect(all).toEqual(reference(null, null, (s) => s.action !== 'audit.chain.create'));
      expect(await stats({ range: 'all', ip: '10.9.9.9' })).toMatchObject({ total_events: 0 });
    });

    it('are rebuilt with the view', async () => {
      const before = await stats({ range: 'all' });
      await tdb.db.query('DELETE FROM audit.event_count');
      expect(await stats({ range: 'all' })).toMatchObject({ total_events: 0 });
      await rebuildView(tdb.db, CHAIN);
      expect(await stats({ range: 'all' })).toEqual(before);
    });
  });

  describe('the grouped view at volume', () => {
    it("finds an actor's latest row without reading the actor's older rows", async () => {
      const db = await createTestDb();
      try {
        // 120 rows of one actor: each event differs from the one before, so none folds.
        for (let b = 0; b < 12; b++) {
          await commitAt(
            db.db,
            Date.UTC(2024, 0, 9) + b * 60_000,
            Array.from({ length: 10 }, (_, i) =>
              sampleEvent(b * 10 + i, { userEmail: 'ann@example.com' }),
            ),
          );
        }
        const actor = 'ann@example.com||cli';
        const plan = await db.db.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${LATEST_ROWS_SQL}`,
          [CHAIN, [actor]],
        );
        const raw = plan[0]?.['QUERY PLAN'];
        const read = rowsRead(
          typeof raw === 'string' ? JSON.parse(raw) : raw,
          'audit_event_aggregated',
        );
        expect(read).toBeGreaterThanOrEqual(1);
        expect(read).toBeLessThanOrEqual(2);
        const rows = await db.db.query(LATEST_ROWS_SQL, [CHAIN, [actor]]);
        expect(rows).toHaveLength(1);
      } finally {
        await db.close();
      }
    });
  });

  describe('pages without counting', () => {
    let db: TestDatabase;
    let n = 10_000;
    const later = () => Date.UTC(2024, 0, 10) + n * 1_000;
    /** Another replica's traffic while someone pages: new rows, and rows that fold and move up. */
    const traffic = async () => {
      n += 1;
      await commitAt(db.db, later(), [
        sampleEvent(n, { userEmail: USERS[n % 3] ?? '' }),
        sampleEvent(0, { userEmail: 'cy@example.com', details: { method: 'GET', path: '/apps' } }),
      ]);
    };
    const walk = async (params: QueryParams, view: AuditView) => {
      const items: Record<string, unknown>[] = [];
      let cursor: string | undefined;
      do {
        const p = await page(db.db, params, view, cursor);
        expect(p).not.toHaveProperty('total');
        expect(p.has_more).toBe(p.next_cursor !== null);
        items.push(...p.items);
        await traffic();
        cursor = p.next_cursor ?? undefined;
      } while (cursor !== undefined);
      return items;
    };
    const seqs = async (where: string, top: number) =>
      (
        await db.db.query<{ s: string }>(
          `SELECT seq::text AS s FROM audit.audit_event WHERE ${where} AND seq <= $1 ORDER BY seq DESC`,
          [top],
        )
      ).map((r) => Number(r.s));

    beforeAll(async () => {
      db = await createTestDb();
      for (let b = 0; b < 12; b++) {
        await commitAt(
          db.db,
          Date.UTC(2024, 0, 9) + b * 60_000,
          Array.from({ length: 5 }, (_, i) =>
            sampleEvent(b * 5 + i, {
              userEmail: USERS[(b + i) % USERS.length] ?? '',
              ...(i === 4 ? { details: { method: 'GET', path: '/apps' } } : {}),
            }),
          ),
        );
      }
    });
    afterAll(async () => {
      await db?.close();
    });

    it('shows every raw event once, newest first, while events are appended', async () => {
      const top = Number((await page(db.db, { range: 'all' }, 'raw')).items[0]?.seq);
      const got = (await walk({ range: 'all' }, 'raw')).map((e) => Number(e.seq));
      expect(got).toEqual(await seqs('true', top));
      const top2 = Number((await page(db.db, { range: 'all' }, 'raw')).items[0]?.seq);
      const bob = await walk({ range: 'all', user: 'bob@example.com' }, 'raw');
      expect(bob.map((e) => Number(e.seq))).toEqual(
        await seqs(`lower(user_email) = 'bob@example.com'`, top2),
      );
    });

    it('never repeats a grouped row; rows nobody touched meanwhile are all shown', async () => {
      const before = await db.db.query<{ id: string; last_seq: string }>(
        'SELECT id::text AS id, last_seq::text AS last_seq FROM audit.audit_event_aggregated',
      );
      const got = (await walk({ range: 'all' }, 'aggregated')).map((r) => Number(r.id));
      expect(new Set(got).size).toBe(got.length);
      const after = new Map(
        (
          await db.db.query<{ id: string; last_seq: string }>(
            'SELECT id::text AS id, last_seq::text AS last_seq FROM audit.audit_event_aggregated',
          )
        ).map((r) => [r.id, r.last_seq]),
      );
      const untouched = before
        .filter((r) => after.get(r.id) === r.last_seq)
        .map((r) => Number(r.id));
      expect(untouched.length).toBeGreaterThan(10);
      for (const id of untouched) expect(got).toContain(id);
    });

    it('finds what the full scan found, through the trigram indexes', async () => {
      await commitAt(db.db, later() + 60_000, [
        sampleEvent(1, { userName: 'Zoë Ümlaut', command: 'echo 100% done_now', resource: 'a\\b' }),
        sampleEvent(2, {
          userAgent: 'Convox/3.19.4 (LINUX)',
          details: { note: 'quote " and _x_' },
        }),
        sampleEvent(3, { apiTokenName: 'ci-deploy', ipAddress: '10.1.2.3' }),
      ]);
      const terms = [
        'bob',
        'BOB',
        'app.l',
        '%',
        '_',
        '\\',
        'ümlaut',
        'ZOË',
        'x',
        'ab',
        '"n":1',
        'convox/3.19',
        'ci-dep',
        '10.1.2',
        '/apps',
        'done_now',
        'nothing-like-this',
      ];
      const oldSearch = `concat_ws(' ', t.user_email, t.user_name, t.api_token_name, t.action,
        t.resource, t.command, t.details, t.user_agent, t.ip_address) ILIKE $2`;
      for (const view of ['raw', 'aggregated'] as const) {
        const [table, key] =
          view === 'raw'
            ? ['audit.audit_event', 'seq']
            : ['audit.audit_event_aggregated', 'last_seq'];
        for (const term of terms) {
          const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          const before = await db.db.query<{ k: string }>(
            `SELECT t.${key}::text AS k FROM ${table} t WHERE t.chain_id = $1 AND ${oldSearch}
             ORDER BY t.${key} DESC LIMIT 500`,
            [CHAIN, like],
          );
          const now = await listAudit(db.db, {
            chainId: CHAIN,
            filter: parseFilter({ range: 'all', search: term }),
            view,
            limit: 500,
            scope: 'all',
            now: new Date(),
          });
          expect(
            now.items.map((i) => String(view === 'raw' ? i.seq : i.last_seq)),
            `${view} ${term}`,
          ).toEqual(before.map((r) => r.k));
        }
        // With sequential scans off, only the trigram index can answer the condition: the
        // planner picks it only if the query's expression is the indexed one.
        const plan = await db.db.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_seqscan = off');
          return tx.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN SELECT count(*) FROM ${table} t WHERE ${SEARCH_TEXT} ILIKE $1`,
            ['%convox/3.19%'],
          );
        });
        // Each partition of the event table carries its own copy of audit_event_search.
        const index = view === 'raw' ? /audit_event_\d{13}_expr_idx/ : /aggregated_search/;
        expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
          new RegExp(`Bitmap Index Scan on ${index.source}`),
        );
      }
    });
  });
});
