// `GET /api/v1/created-by` (access-control.md §9.2): who created each app, build and release through
// the gateway, read from the audit chain's successful creation events (env changes name their
// release); failures and other chains do not count; `?app=` narrows to one app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/audit/audit-log.js';
import { chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { KEYRING, makeWriter, nowUs } from '../audit/support.js';
import { callApi } from '../support/api-client.js';
import { type ProxyHarness, startProxyHarness } from './proxy-harness.js';

const by = (email: string, token = ''): Partial<AuditEventInput> => ({
  actorType: token ? 'api_token' : 'user',
  channel: token ? 'token' : 'cli',
  userEmail: email,
  userName: email.split('@')[0],
  apiTokenName: token,
});

const event = (
  action: AuditEventInput['action'],
  resource: string,
  details: Record<string, unknown>,
  extra: Partial<AuditEventInput> = {},
): AuditEventInput => ({
  action,
  status: 'success',
  actorType: 'user',
  channel: 'cli',
  resource,
  details,
  ...extra,
});

describe('GET /api/v1/created-by', () => {
  let p: ProxyHarness;
  beforeAll(async () => {
    p = await startProxyHarness();
    const writer = makeWriter(p.h.database.db, {
      batch: { chainId: p.h.config.audit.chainId, keyring: KEYRING, nowUs },
    });
    const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: p.h.clock });
    const deployer = by('deployer@example.com');
    const ci = by('admin@example.com', 'ci-token');
    for (const e of [
      event('app.create', 'newapp', { method: 'POST', path: '/apps' }, deployer),
      event(
        'build.create',
        'BNEWAAAAAAA',
        { method: 'POST', path: '/apps/newapp/builds', app: 'newapp' },
        ci,
      ),
      event(
        'release.create',
        'RNEWAAAAAAA',
        { method: 'POST', path: '/apps/newapp/releases', app: 'newapp' },
        ci,
      ),
      event(
        'env.set',
        'storefront/FOO',
        { app: 'storefront', key: 'FOO', old: null, new: 'x', release_id: 'RENVAAAAAAA' },
        deployer,
      ),
      event('build.create', 'BFAILAAAAAA', { app: 'newapp' }, { ...deployer, status: 'failed' }),
    ])
      await log.append(e, { durable: true });
    await writer.close(5000);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('names the creators of apps, builds and releases; ?app= narrows', async () => {
    const viewer = { bearer: await p.cliToken('viewer') };
    const all = await callApi(p.h.url, viewer, 'GET', '/api/v1/created-by');
    expect(all.status).toBe(200);
    expect(all.body.apps).toEqual({
      newapp: expect.objectContaining({ email: 'deployer@example.com', api_token_name: null }),
    });
    expect(all.body.builds).toEqual({
      BNEWAAAAAAA: expect.objectContaining({
        email: 'admin@example.com',
        api_token_name: 'ci-token',
      }),
    });
    expect(Object.keys(all.body.releases as object).sort()).toEqual(['RENVAAAAAAA', 'RNEWAAAAAAA']);
    const one = await callApi(p.h.url, viewer, 'GET', '/api/v1/created-by?app=storefront');
    expect(one.body).toEqual({
      apps: {},
      builds: {},
      releases: { RENVAAAAAAA: expect.objectContaining({ email: 'deployer@example.com' }) },
    });
  });
});
