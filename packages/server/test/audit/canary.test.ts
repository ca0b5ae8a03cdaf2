// audit.md §10 canary: secret values seeded into events in every shape producers might pass
// (secret-looking keys, tokens and credentials inside free text, URL passwords, env values) must
// not appear in any output channel the audit subsystem owns: the database rows, stdout lines, the
// SIEM webhook payloads, CSV and JSON Lines exports, and the logs.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditService } from '../../src/audit/audit-service.js';
import { exportAudit } from '../../src/audit/query/export.js';
import { parseFilter } from '../../src/audit/query/filters.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { startReceiver } from './receiver.js';

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const S = {
  password: 'canary-Pa55word-7f3a',
  token: `rgw_C4n4ryT0kenValue${'x'.repeat(26)}==`,
  cookie: 'canary-cookie-value-91b2',
  envSecret: 'canary-env-secret-value-5d1e',
  bearer: 'canaryBearerTok3n.abc',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOnRydWV9.Y2FuYXJ5c2ln',
  urlPass: 'canary-url-pass-77',
  aws: 'AKIACANARY0000000000',
  github: `ghp_Canary${'a'.repeat(30)}`,
  slack: 'xoxb-canary-1234567890',
  pem: 'Q2FuYXJ5UEVNa2V5Ym9keQ',
  clientSecret: 'canary-client-secret-3c3c',
  // Issue 10 finding 5: plain values under secret-looking query parameters.
  queryToken: 'canary-plain-query-token-4e4e',
  queryPassword: 'canary-plain-query-password-5f5f',
  // Issue 10 finding 6: known credential formats under ordinary names.
  stripe: 'sk_live_CanaryStripe0000000000',
  passwd: 'canary-db-passwd-6a6a',
};

describe('redaction canary', () => {
  let tdb: TestDatabase;
  const channels: Record<string, string[]> = {
    stdout: [],
    logs: [],
    webhook: [],
    exports: [],
    database: [],
  };

  beforeAll(async () => {
    tdb = await createTestDb();
    const receiver = await startReceiver();
    const logStream = new Writable({
      write(chunk, _enc, cb) {
        channels.logs?.push(String(chunk));
        cb();
      },
    });
    const config = testConfig({
      AUDIT_WEBHOOK_URL: receiver.url.href,
      AUDIT_WEBHOOK_SECRET: 's'.repeat(40),
      AUDIT_WEBHOOK_FLUSH_SECONDS: '1',
    });
    const service = createAuditService({
      config,
      db: tdb.db,
      logger: pino({ level: 'trace' }, logStream),
      lines: (l) => channels.stdout?.push(l),
    });
    await service.startupStep().run();
    const base = {
      status: 'success',
      actorType: 'user',
      channel: 'cli',
      userEmail: 'deployer@example.com',
    } as const;
    await service.log.append(
      {
        ...base,
        action: 'user.create',
        resource: 'new@example.com',
        details: {
          email: 'new@example.com',
          name: 'N',
          roles: ['viewer'],
          password: S.password,
          client_secret: S.clientSecret,
        },
      },
      { durable: true },
    );
    await service.log.append(
      {
        ...base,
        action: 'release.create',
        resource: `app/${S.token}`,
        command: `deploy --token ${S.token} && curl -H "Authorization: Bearer ${S.bearer}" ${S.aws} ${S.github} ${S.slack}`,
        details: {
          method: 'POST',
          path: '/apps/app/releases',
          query: `name=x&token=${S.token}&id_token=${S.jwt}&access_token=${S.queryToken}&password=${S.queryPassword}`,
          url: `https://rack.example/apps/app?service=web&token=${S.queryToken}`,
          headers: { cookie: `rgw_session=${S.cookie}`, Authorization: `Basic ${S.password}` },
          env: {
            SECRET_KEY: S.envSecret,
            DATABASE_URL: `postgres://app:${S.urlPass}@db:5432/app`,
            PAYMENTS: S.stripe,
            DB_PASSWD: S.passwd,
          },
          note: `-----BEGIN RSA PRIVATE KEY-----\n${S.pem}\n-----END RSA PRIVATE KEY-----`,
        },
      },
      { durable: true },
    );
    await service.log.append(
      {
        ...base,
        action: 'secret.set',
        resource: 'app/SECRET_KEY',
        details: {
          app: 'app',
          key: 'SECRET_KEY',
          old: '[REDACTED]',
          new: '[REDACTED]',
          release_id: 'R1',
          secret: S.envSecret,
        },
      },
      { durable: true },
    );
    const session = await service.capture.open({
      app: 'app',
      processId: 'p1',
      command: `psql postgres://u:${S.urlPass}@db/x`,
      tty: false,
      actor: base,
    });
    await session.close('client');
    const delivered = () =>
      receiver.batches.flatMap((b) => (JSON.parse(b.body) as { events: unknown[] }).events).length;
    await waitFor(() => delivered() >= 5, 'the webhook batches');
    await service.close();
    await receiver.close();
    channels.webhook = receiver.batches.map((b) => b.body);
    for (const format of ['csv', 'jsonl'] as const) {
      for (const view of ['raw', 'aggregated'] as const) {
        const filter = parseFilter({ range: 'all' });
        for await (const chunk of exportAudit(
          tdb.db,
          { chainId: config.audit.chainId, filter, view, format, now: new Date() },
          () => undefined,
        )) {
          channels.exports?.push(chunk);
        }
      }
    }
    for (const table of [
      'audit_event',
      'audit_event_aggregated',
      'chain',
      'terminal_session',
      'webhook_cursor',
    ]) {
      const rows = await tdb.db.query<{ row: string }>(
        `SELECT t::text AS row FROM audit.${table} t`,
      );
      channels.database?.push(...rows.map((r) => r.row));
    }
  });
  afterAll(async () => {
    await tdb?.close();
  });

  it('exercised every channel', () => {
    for (const [name, content] of Object.entries(channels)) {
      if (name !== 'logs') expect(content.join('').length, name).toBeGreaterThan(0);
    }
    expect(channels.exports?.join('')).toContain('[REDACTED]');
  });

  it.each(Object.entries(S))('never writes the %s value anywhere', (_name, secret) => {
    for (const [channel, content] of Object.entries(channels)) {
      expect(content.join('\n').includes(secret), `${channel} contains the secret`).toBe(false);
    }
  });
});
