// Benchmark of what the rack proxy adds per request: the same read (GET /apps) and mutation
// (POST /apps/<app>/objects/tmp/<name>, 64 bytes: a step-up route, which an API token of an owner
// with a confirmed TOTP method satisfies by itself) straight to the mock rack and through an
// in-process gateway with a real chain audit writer (a mutation commits its audit attempt before forwarding), with an API
// token. Variants are interleaved round by round so a noisy machine hits them alike. Prints a
// table; asserts nothing. Embedded PGlite by default; PostgreSQL with BENCH_DATABASE_URL.
// Scale with BENCH_PROXY_ROUNDS (default 5) and BENCH_PROXY_REQUESTS (per variant and round, 200).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockRack } from '@rack-gateway/mock-rack';
import { createTokenStore } from '../packages/server/src/access/tokens/token-store.ts';
import { buildApp } from '../packages/server/src/app.ts';
import { createAuditService } from '../packages/server/src/audit/audit-service.ts';
import { migrationStep, runBootstrap } from '../packages/server/src/bootstrap.ts';
import { WEB_DIST_DIR } from '../packages/server/src/commands/serve.ts';
import { loadConfig } from '../packages/server/src/config/load-config.ts';
import { openDatabase } from '../packages/server/src/db/connect.ts';
import { createReadiness } from '../packages/server/src/http/readiness.ts';
import { seedUsers } from '../packages/server/src/identity/users/seed.ts';
import { systemClock } from '../packages/server/src/lib/clock.ts';
import { createLogger } from '../packages/server/src/logging/logger.ts';
import { createMfaCrypto } from '../packages/server/src/mfa/mfa-crypto.ts';
import { newTotpSecret } from '../packages/server/src/mfa/totp.ts';
import { createSettingsStore } from '../packages/server/src/settings/settings-store.ts';
import { percentile, withDatabase } from './audit-load.ts';

const RACK_PASSWORD = 'bench-rack-pass';
const ADMIN = 'admin@example.com';
const OBJECT = Buffer.alloc(64, 7);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Gateway {
  readonly url: string;
  readonly authorization: string;
  close(): Promise<void>;
}

async function startGateway(rackUrl: string, databaseUrl: string | null): Promise<Gateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rgw-bench-'));
  const port = await freePort();
  const loaded = loadConfig(
    {
      DEV_MODE: 'true',
      LOG_LEVEL: 'fatal',
      APP_SECRET_KEY: 'a'.repeat(64),
      AUDIT_HMAC_SECRET: 'b'.repeat(64),
      AUDIT_STDOUT: 'false',
      OIDC_ISSUER: 'http://localhost:1',
      OIDC_ALLOW_INSECURE_HTTP: 'true',
      OIDC_CLIENT_ID: 'bench',
      OIDC_CLIENT_SECRET: 'bench-client-secret',
      RACK_HOST: rackUrl,
      RACK_TOKEN: RACK_PASSWORD,
      RGW_DATA_DIR: dataDir,
      ADMIN_USERS: ADMIN,
      RATE_LIMIT_RPS: '100000',
      RATE_LIMIT_BURST: '100000',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    { cwd: dataDir },
  );
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.variable}: ${e.rule}`).join('\n'));
  const config = loaded.config;
  const logger = createLogger(config);
  const opened = await openDatabase(config, logger);
  const readiness = createReadiness();
  const audit = createAuditService({ config, db: opened.db, logger });
  const settings = createSettingsStore({ db: opened.db, clock: systemClock, logger, env: {} });
  const app = await buildApp(config, {
    db: opened.db,
    logger,
    webDistDir: WEB_DIST_DIR,
    readiness,
    audit: audit.log,
    settings,
  });
  const deps = { config, db: opened.db, clock: systemClock, audit: audit.log };
  const steps = [
    migrationStep(opened, logger),
    audit.startupStep(),
    { name: 'seed users', run: async () => void (await seedUsers({ ...deps, warn: () => {} })) },
    { name: 'settings', run: () => settings.start() },
  ];
  await runBootstrap({ config, steps, readiness, logger }).done;
  await app.listen({ port, host: '127.0.0.1' });
  const rows = await opened.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [
    ADMIN,
  ]);
  const ownerUserId = Number(rows[0]?.id);
  // Step-up routes need the owner to have MFA set up; the token then satisfies step-up itself.
  await opened.db.query(
    `INSERT INTO mfa_methods (uid, user_id, type, label, secret_encrypted, created_at, confirmed_at)
     VALUES ($1, $2, 'totp', 'bench', $3, $4, $4)`,
    [
      randomUUID(),
      ownerUserId,
      createMfaCrypto(config.secrets.appSecretKey, null).encrypt(newTotpSecret()),
      new Date(),
    ],
  );
  const { secret } = await createTokenStore(opened.db).create(
    {
      name: 'bench',
      ownerUserId,
      permissions: ['convox:*:*'],
      expiresAt: null,
    },
    new Date(),
  );
  return {
    url: `http://127.0.0.1:${port}/api/v1/rack-proxy`,
    authorization: `Basic ${Buffer.from(`convox:${secret}`).toString('base64')}`,
    async close() {
      await app.close();
      await settings.close().catch(() => undefined);
      await audit.close();
      await opened.db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly authorization: string;
  readonly concurrency: number;
}

interface Samples {
  latenciesMs: number[];
  seconds: number;
  failures: number;
  firstFailure?: string;
}

/** Sends `count` requests over `target.concurrency` workers (fetch keeps connections alive). */
async function drive(target: Target, count: number, into: Samples): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      const res = await fetch(target.url, {
        method: target.method,
        headers: {
          authorization: target.authorization,
          'content-type': 'application/octet-stream',
        },
        ...(target.method === 'POST' ? { body: OBJECT } : {}),
      });
      const body = await res.text();
      into.latenciesMs.push(performance.now() - started);
      if (!res.ok) {
        into.failures += 1;
        into.firstFailure ??= `${target.name}: ${res.status} ${body.slice(0, 200)}`;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: target.concurrency }, worker));
  into.seconds += (performance.now() - started) / 1000;
}

function targets(rackUrl: string, gateway: Gateway, app: string): Target[] {
  const rackAuth = `Basic ${Buffer.from(`convox:${RACK_PASSWORD}`).toString('base64')}`;
  const list: Target[] = [];
  for (const concurrency of [1, 16]) {
    for (const [op, method, path] of [
      ['GET /apps', 'GET', '/apps'],
      ['POST object', 'POST', `/apps/${app}/objects/tmp/bench.bin`],
    ] as const) {
      list.push({
        name: `${op} direct`,
        url: rackUrl + path,
        method,
        authorization: rackAuth,
        concurrency,
      });
      list.push({
        name: `${op} gateway`,
        url: gateway.url + path,
        method,
        authorization: gateway.authorization,
        concurrency,
      });
    }
  }
  return list;
}

function table(list: readonly Target[], samples: readonly Samples[]): string[][] {
  return list.map((t, i) => {
    const s = samples[i] as Samples;
    const p50 = percentile(s.latenciesMs, 50);
    const p99 = percentile(s.latenciesMs, 99);
    const direct = t.name.endsWith('gateway') ? samples[i - 1] : undefined;
    const d50 = direct ? percentile(direct.latenciesMs, 50) : p50;
    const d99 = direct ? percentile(direct.latenciesMs, 99) : p99;
    return [
      t.name,
      String(t.concurrency),
      String(s.latenciesMs.length),
      Math.round(s.latenciesMs.length / s.seconds).toString(),
      p50.toFixed(2),
      p99.toFixed(2),
      direct ? `+${(p50 - d50).toFixed(2)} (×${(p50 / d50).toFixed(1)})` : '-',
      direct ? `+${(p99 - d99).toFixed(2)}` : '-',
      String(s.failures),
    ];
  });
}

async function run(databaseUrl: string | null): Promise<void> {
  const rounds = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
  const perRound = Number(process.env.BENCH_PROXY_REQUESTS ?? 200);
  const rack = await startMockRack({ port: 0, password: RACK_PASSWORD });
  const gateway = await startGateway(rack.url, databaseUrl);
  try {
    const apps = (await await fetch(`${gateway.url}/apps`, {
      headers: { authorization: gateway.authorization },
    }).then((r) => r.json())) as { name: string }[];
    const list = targets(rack.url, gateway, apps[0]?.name ?? 'storefront');
    const samples: Samples[] = list.map(() => ({ latenciesMs: [], seconds: 0, failures: 0 }));
    for (const t of list) await drive(t, 20, { latenciesMs: [], seconds: 0, failures: 0 });
    for (let round = 0; round < rounds; round += 1) {
      const order = list.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) await drive(list[i] as Target, perRound, samples[i] as Samples);
    }
    const header = [
      'variant',
      'conc',
      'requests',
      'req/s',
      'p50 ms',
      'p99 ms',
      'p50 added',
      'p99 added',
      'non-2xx',
    ];
    const rows = table(list, samples);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
    const line = (cells: readonly string[]) =>
      cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
    console.log(
      `\nrack proxy path on ${databaseUrl ? 'PostgreSQL' : 'PGlite'} (${rounds} rounds × ${perRound} requests per variant, interleaved; added = gateway − direct)`,
    );
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    for (const s of samples) if (s.firstFailure) console.log(`first non-2xx: ${s.firstFailure}`);
  } finally {
    await gateway.close();
    await rack.close();
  }
}

export async function benchProxyPath(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL;
  if (base) await withDatabase(base, (url) => run(url));
  else await run(null);
}

if (process.argv[1]?.endsWith('proxy-path.ts')) await benchProxyPath();
