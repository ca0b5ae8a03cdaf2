// The route table's machine-checkable rules (access-control.md §8.2-8.5): consistency of every row,
// coverage of the registered fastify routes, the generated web preflight table and the OpenAPI
// annotations, all derived from the same rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermission, isValidPattern } from '../../src/access/permissions.js';
import { matchRackRoute, RACK_ROUTES } from '../../src/access/rack-routes.js';
import { ROLES } from '../../src/access/roles.js';
import { renderRoutePolicy } from '../../src/access/route-policy-export.js';
import { GATEWAY_ROUTES } from '../../src/access/route-table.js';
import { isAuditAction } from '../../src/audit/catalogue.js';
import { testApp } from '../support/test-app.js';
import { testConfig } from '../support/test-config.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';

const REPO = join(import.meta.dirname, '../../../..');
const LEVELS = ['none', 'step_up', 'always'];
const convoxRows = GATEWAY_ROUTES.filter((r) => r.path.startsWith('/api/v1/convox/'));

/** The rack row a `/convox/*` entry forwards to, matched like a request on the proxy would be. */
function rackRowOf(forward: string, method: string) {
  const segments = forward
    .split('/')
    .slice(1)
    .map((s) => s.replace(/^\{([a-z]+)\}$/, 'x-$1'));
  return matchRackRoute(method, segments)?.route;
}

describe('route table consistency (access-control.md §8.4)', () => {
  const checkRow = (row: (typeof GATEWAY_ROUTES)[number]): void => {
    const where = `${row.method} ${row.path}`;
    if (row.rackProxy) expect(row.permission, where).toBe('per_request');
    else if (row.permission !== 'public') expect(isPermission(row.permission), where).toBe(true);
    else expect(row.mfa, where).toBe('none');
    expect(LEVELS, where).toContain(row.mfa);
    if (row.audit !== null) expect(isAuditAction(row.audit), where).toBe(true);
    const self = row.selfPermission;
    if (self !== undefined)
      expect([self.startsWith('auth:'), isPermission(self)], where).toEqual([true, true]);
  };

  it('declares catalogue permissions, valid levels and catalogue audit actions', () => {
    for (const row of GATEWAY_ROUTES) checkRow(row);
  });

  it('audits every mutation unless it starts a ceremony (the rack catch-all resolves per request)', () => {
    const silent = GATEWAY_ROUTES.filter(
      (r) => !['GET', 'SOCKET'].includes(r.method) && r.audit === null && !r.ceremonyStart,
    );
    expect(silent.filter((r) => !r.rackProxy).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('has unique rows and uses SOCKET only for the web-safe log sockets', () => {
    const keys = GATEWAY_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const sockets = GATEWAY_ROUTES.filter((r) => r.method === 'SOCKET').map((r) => r.path);
    expect(sockets).toEqual([
      '/api/v1/convox/apps/:app/logs',
      '/api/v1/convox/apps/:app/builds/:id/logs',
    ]);
  });

  it('gives rack rows sharing a permission the same MFA level', () => {
    const levels = new Map<string, Set<string>>();
    for (const row of RACK_ROUTES)
      levels.set(row.permission, (levels.get(row.permission) ?? new Set()).add(row.mfa));
    for (const [permission, set] of levels) expect([permission, set.size]).toEqual([permission, 1]);
  });

  it('gives every /convox/* entry the permission, level and audit action of its rack row', () => {
    expect(convoxRows.length).toBe(17);
    for (const row of convoxRows) {
      const where = `${row.method} ${row.path}`;
      expect(row.forward, where).toBeDefined();
      const rack = rackRowOf(row.forward ?? '', row.method);
      expect(rack, where).toBeDefined();
      expect(rack?.path, where).toBe(row.forward);
      expect({ permission: row.permission, mfa: row.mfa, audit: row.audit }, where).toEqual({
        permission: rack?.permission,
        mfa: rack?.mfa,
        audit: rack?.audit,
      });
      const shape = row.path.replace('/api/v1/convox', '').replace(/:[a-z]+/g, '{}');
      expect(row.forward?.replace(/\{[a-z]+\}/g, '{}'), where).toBe(shape);
    }
  });

  it('holds only valid permissions in every role', () => {
    for (const role of Object.values(ROLES))
      for (const p of role.permissions) expect(isValidPattern(p), `${role.name}: ${p}`).toBe(true);
  });
});

describe('route table exports (access-control.md §8.2, §8.5)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await createTestDb();
    app = await testApp(testConfig(), database);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('registers every entry and nothing else', () => {
    const declared = GATEWAY_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect([...app.registeredRoutes].sort()).toEqual(declared);
    for (const row of GATEWAY_ROUTES) {
      const method = row.method === 'SOCKET' ? 'GET' : row.method;
      expect(app.hasRoute({ method, url: row.path }), `${row.method} ${row.path}`).toBe(true);
    }
    // Counted from fastify's own router: as many (path, method) pairs as table rows.
    const tree = app.printRoutes({ commonPrefix: false });
    const methods = [...tree.matchAll(/\(([A-Z, ]+)\)/g)].flatMap((m) => (m[1] ?? '').split(', '));
    expect(methods.length).toBe(GATEWAY_ROUTES.length);
  });

  it('has a committed web preflight table equal to a fresh regeneration', () => {
    const committed = readFileSync(
      join(REPO, 'packages/web/src/generated/route-policy.ts'),
      'utf8',
    );
    expect(committed).toBe(renderRoutePolicy(GATEWAY_ROUTES));
    const rows = GATEWAY_ROUTES.filter((r) => r.path.startsWith('/api/v1/'));
    expect(committed.split('\n').filter((l) => /^ {2}'/.test(l))).toHaveLength(rows.length);
    expect(committed).toContain("  'PUT /api/v1/apps/:app/env step_up 0 convox:env:set -',");
    expect(committed).toContain(
      "  'GET /api/v1/users/:email none 0 gateway:user:read auth:profile:read',",
    );
  });

  it('annotates every OpenAPI operation with the row it was registered from', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Record<string, string>>>;
    };
    let checked = 0;
    for (const row of GATEWAY_ROUTES.filter(
      (r) => r.method !== 'SOCKET' && !r.path.endsWith('*'),
    )) {
      const path = row.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[row.method.toLowerCase()];
      expect(op, `${row.method} ${row.path}`).toBeDefined();
      expect(op?.['x-rgw-permission']).toBe(row.permission);
      expect(op?.['x-rgw-mfa']).toBe(row.mfa);
      expect(op?.['x-rgw-audit']).toBe(row.audit ?? 'none');
      expect(op?.['x-rgw-self-permission']).toBe(row.selfPermission);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
