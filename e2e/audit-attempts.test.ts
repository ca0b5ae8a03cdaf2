// Issue 10 finding 3 (audit.md §6): a mutation can reach the rack with no audit record. A real
// `rack-gateway-server serve` child is killed with SIGKILL while concurrent mutations are in flight
// at a slow mock rack; afterwards every mutation the rack received is in the audit log (the
// attempt, committed before forwarding), and the ones cut off are shown as "outcome unknown".
// On PostgreSQL the audit table is also locked first (commits stalled): nothing reaches the rack.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type MockRack, startMockRack } from '@rack-gateway/mock-rack';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFilter } from '../packages/server/src/audit/query/filters.ts';
import { listAudit } from '../packages/server/src/audit/query/list.ts';
import type { SqlRunner } from '../packages/server/src/db/database.ts';
import { PGLITE_EXTENSIONS } from '../packages/server/src/db/pglite-extensions.ts';
import { CliBrowser } from './support/cli-browser.ts';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort, waitFor } from './support/ports.ts';
import { createEmptyDatabase, dropDatabase, postgresUrl } from './support/postgres.ts';
import { completeCliLogin, startHeadlessCliLogin } from './support/sign-in.ts';

const MUTATIONS = 40;
const UPLOADS = '/apps/storefront/objects/tmp/';

interface Store {
  readonly env: Record<string, string>;
  /** Opens the store the killed gateway wrote (after the kill: PGlite is single-process). */
  open(): Promise<{ db: SqlRunner; close(): Promise<void> }>;
}

function pgliteStore(cwd: string): Store {
  return {
    env: {},
    async open() {
      const lite = await PGlite.create({
        dataDir: join(cwd, '.rack-gateway', 'demo', 'pgdata'),
        extensions: PGLITE_EXTENSIONS,
      });
      return {
        db: {
          query: async <T>(sql: string, params: readonly unknown[] = []) =>
            (await lite.query<T>(sql, [...params])).rows,
          exec: async (sql: string) => void (await lite.exec(sql)),
        } as SqlRunner,
        close: () => lite.close(),
      };
    },
  };
}

function postgresStore(url: string): Store {
  return {
    env: { DATABASE_URL: url },
    async open() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return {
        db: {
          query: async (sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, [...params])).rows,
          exec: async (sql: string) => void (await client.query(sql)),
        } as SqlRunner,
        close: () => client.end(),
      };
    },
  };
}

async function signInDeployer(url: string): Promise<string> {
  await waitFor(async () => (await fetch(`${url}/app/`)).status === 200, 30_000, 'start-up');
  const login = await startHeadlessCliLogin(url);
  await new CliBrowser().approveCliLogin(login.authUrl, 'deployer@example.com');
  const done = await completeCliLogin(url, login);
  expect(done.status).toBe(200);
  return `Basic ${Buffer.from(`convox:${done.token}`).toString('base64')}`;
}

/** Fires `count` concurrent uploads; each settles to its status or 0 when the gateway died. */
function burst(gateway: GatewayProcess, auth: string, tag: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      fetch(`${gateway.url}/api/v1/rack-proxy${UPLOADS}${tag}-${i}.bin`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(64, i),
      }).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  );
}

const uploadsSince = (rack: MockRack, seq: number) =>
  rack.requests.list(seq).filter((r) => r.method === 'POST' && r.path.startsWith(UPLOADS));

/** Request ids of every audit event of object.create, and the items shown as outcome unknown. */
async function auditedUploads(store: Store) {
  const { db, close } = await store.open();
  try {
    const chain = await db.query<{ chain_id: string }>('SELECT chain_id FROM audit.chain');
    const page = await listAudit(db, {
      chainId: chain[0]?.chain_id ?? '',
      filter: parseFilter({ range: 'all', action: 'object.create' }),
      view: 'raw',
      limit: 500,
      scope: 'all',
      now: new Date(),
    });
    return {
      requestIds: new Set(page.items.map((e) => String(e.request_id))),
      unknown: page.items.filter((e) => e.outcome_unknown === true),
    };
  } finally {
    await close();
  }
}

describe('finding 3: a mutation can reach the rack with no audit record', () => {
  let rack: MockRack | undefined;
  let gateway: GatewayProcess | undefined;
  let databaseUrl: string | undefined;
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    await rack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
    databaseUrl = undefined;
  });

  /** A gateway on `store`; `auth` reuses a CLI session kept in the store by an earlier process. */
  const start = async (store: Store, cwd: string, auth?: string) => {
    rack = await startMockRack({ port: 0, password: 'rack-pass' });
    gateway = await startGateway({
      args: ['serve', '--demo'],
      cwd,
      env: {
        RACK_HOST: rack.url,
        RACK_TOKEN: 'rack-pass',
        MOCK_IDP_PORT: String(await freePort()),
        LOG_FORMAT: 'json',
        ...store.env,
      },
    });
    await gateway.waitHealthy(60_000);
    return {
      rack,
      gateway,
      auth: auth ?? (await signInDeployer(`http://localhost:${gateway.port}`)),
    };
  };

  /** kill -9 while uploads wait at a slow rack; then compare the rack's log with the audit log. */
  const crashUnderLoad = async (store: Store, cwd: string, session?: string) => {
    const { rack: r, gateway: g, auth } = await start(store, cwd, session);
    const since = r.requests.list().at(-1)?.seq ?? 0;
    r.faults.add({ match: { method: 'POST', path: `${UPLOADS}*` }, effect: { latencyMs: 3000 } });
    const answers = burst(g, auth, 'crash', MUTATIONS);
    await waitFor(async () => uploadsSince(r, since).length >= 10, 60_000, 'uploads at the rack');
    await g.stop('SIGKILL');
    const statuses = await answers;
    const atRack = uploadsSince(r, since).map((e) => e.headers['x-request-id'] ?? '');
    const audited = await auditedUploads(store);
    expect(atRack.length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((s) => s === 0).length).toBeGreaterThan(0);
    expect(atRack.filter((id) => !audited.requestIds.has(id))).toEqual([]);
    // The uploads the rack was still holding at the kill have only their attempt.
    expect(audited.unknown.length).toBeGreaterThan(0);
  };

  it('on PGlite (a data dir): every mutation the rack received is in the audit log', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rgw-e2e-attempts-'));
    await crashUnderLoad(pgliteStore(cwd), cwd);
  });

  it.skipIf(postgresUrl() === null)(
    'on PostgreSQL: stalled audit commits forward nothing; after kill -9 nothing is missing',
    async () => {
      databaseUrl = await createEmptyDatabase(postgresUrl() ?? '');
      const store = postgresStore(databaseUrl);
      const cwd = mkdtempSync(join(tmpdir(), 'rgw-e2e-attempts-'));
      const { rack: r, gateway: g, auth } = await start(store, cwd);
      const locker = new pg.Client({ connectionString: databaseUrl });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE audit.audit_event IN EXCLUSIVE MODE');
        const since = r.requests.list().at(-1)?.seq ?? 0;
        const answers = burst(g, auth, 'stalled', 20);
        // The attempts wait for the lock: three seconds later the rack still has nothing.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        expect(uploadsSince(r, since)).toEqual([]);
        await g.stop('SIGKILL');
        await answers;
        await locker.query('ROLLBACK');
        expect(uploadsSince(r, since)).toEqual([]);
      } finally {
        await locker.end();
      }
      await gateway?.stop('SIGKILL');
      await rack?.close();
      await crashUnderLoad(store, cwd, auth);
    },
  );
});
