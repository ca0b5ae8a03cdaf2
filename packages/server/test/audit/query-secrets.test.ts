// Issue 10 finding 5: query-string secrets were stored verbatim. A proxied request's query string
// went into the event details as received, so `?token=…&password=…` reached the stdout lines, the
// audit API and the exports; logs printed request URLs with it. Now the value of every
// secret-looking parameter (by name or by value) is `[REDACTED]` wherever a query string appears,
// the rest of it byte for byte, while the rack still receives the request unchanged.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { createLogger } from '../../src/logging/logger.js';
import { basic, type ProxyHarness, startProxyHarness } from '../proxy/proxy-harness.js';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { signInWeb } from '../support/sign-in.js';
import { emptyWebDist } from '../support/test-app.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, silentLogger, type TestDatabase } from '../support/test-db.js';

const SECRETS = {
  token: 'plain-query-token-5a1',
  password: 'plain-query-password-5b2',
  signature: 'plain-query-sig-5c3',
  stripe: 'sk_live_5d4QueryCanaryValue99',
};
const QUERY =
  `service=web&token=${SECRETS.token}&password=${SECRETS.password}` +
  `&X-Amz-Signature=${SECRETS.signature}&next=${SECRETS.stripe}&limit=10`;
const REDACTED_QUERY =
  'service=web&token=[REDACTED]&password=[REDACTED]&X-Amz-Signature=[REDACTED]&next=[REDACTED]&limit=10';

const leaked = (text: string): string[] =>
  Object.values(SECRETS).filter((secret) => text.includes(secret));

describe('finding 5: query-string secrets are stored verbatim', () => {
  let p: ProxyHarness;
  const stdout: string[] = [];
  let apiText = '';
  let exportText = '';

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('admin');
    const res = await fetch(`${p.proxyUrl}/apps/storefront/processes?${QUERY}`, {
      headers: { authorization: basic(await p.cliToken('deployer')) },
    });
    expect(res.status).toBe(200);
    // The events the proxy built, committed through the real chain: normalised, stored, printed.
    const events = p.h.audit.events.filter((e) => e.action === 'process.list');
    expect(events.length).toBeGreaterThan(0);
    const service = createAuditService({
      config: p.h.config,
      db: p.h.database.db,
      logger: silentLogger,
      lines: (line) => stdout.push(line),
    });
    await service.startupStep().run();
    for (const { durable: _durable, ...event } of events)
      await service.log.append(event, { durable: true });
    await service.close();
    const admin = await signInWeb(p.h.url, 'admin@example.com');
    const call = async (path: string) => {
      const r = await fetch(`${p.h.url}${path}`, {
        headers: { cookie: `rgw_session=${admin.token}`, 'x-mfa-totp': FAKE_TOTP_CODE },
      });
      expect(r.status, path).toBe(200);
      return r.text();
    };
    apiText = await call('/api/v1/audit-logs?view=raw&range=all&action=process.list');
    exportText =
      (await call('/api/v1/audit-logs/export?format=jsonl&range=all&view=raw')) +
      (await call('/api/v1/audit-logs/export?format=csv&range=all&view=raw'));
  });
  afterAll(async () => {
    await p?.close();
  });

  it('forwards the query to the rack unchanged', () => {
    const sent = p.rack.requests.list().filter((r) => r.path === '/apps/storefront/processes');
    expect(sent.at(-1)?.rawQuery).toBe(QUERY);
  });

  it('prints the event on stdout with the secret values redacted and the rest of the query kept', () => {
    const lines = stdout
      .map((l) => JSON.parse(l) as { action: string; details: { query?: string } })
      .filter((l) => l.action === 'process.list');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.details.query).toBe(REDACTED_QUERY);
    expect(leaked(stdout.join('\n'))).toEqual([]);
  });

  it('answers the audit API without the secrets', () => {
    const items = (JSON.parse(apiText) as { items: { details: { query?: string } }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]?.details.query).toBe(REDACTED_QUERY);
    expect(leaked(apiText)).toEqual([]);
  });

  it('exports CSV and JSON Lines without the secrets', () => {
    expect(exportText).toContain('token=[REDACTED]');
    expect(leaked(exportText)).toEqual([]);
  });
});

describe('finding 5: request URLs in logs keep no query-string secrets', () => {
  let tdb: TestDatabase;
  const lines: string[] = [];

  beforeAll(async () => {
    tdb = await createTestDb();
  });
  afterAll(async () => {
    await tdb?.close();
  });

  it('the request log, the probe log and error logs redact the query of request URLs', async () => {
    const config = testConfig({ LOG_REQUESTS: 'true', LOG_LEVEL: 'debug' });
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger(config, stream);
    const app = await buildApp(config, { db: tdb.db, logger, webDistDir: emptyWebDist() });
    await app.ready();
    try {
      // The SDK probe is logged with its URL; an unknown route is logged by the request log.
      await app.inject({ method: 'GET', url: `/api/v1/rack-proxy/racks?${QUERY}` });
      await app.inject({ method: 'GET', url: `/api/v1/nowhere?${QUERY}` });
    } finally {
      await app.close();
    }
    logger.info({ req: { method: 'GET', url: `/apps/x?${QUERY}` } }, 'request with a url');
    logger.error({ err: new Error(`rack call GET /apps/x?${QUERY} failed`) }, 'rack proxy failed');
    logger.warn(`retrying https://rack.example/apps/x?${QUERY}`);
    const text = lines.join('');
    expect(text).toContain('"log_type":"request"');
    expect(text).toContain('token=[REDACTED]');
    expect(text).toContain('service=web');
    expect(leaked(text)).toEqual([]);
  });
});
