import { RACK_API_ROUTES } from '@rack-gateway/mock-rack';
import { describe, expect, it } from 'vitest';
import { grants } from '../src/access/permissions.js';
import { matchRackRoute, RACK_ROUTES } from '../src/access/rack-routes.js';
import { ROLES } from '../src/access/roles.js';
import { parseRackPath } from '../src/proxy/rack-path.js';

const match = (method: string, target: string) =>
  matchRackRoute(method, parseRackPath(target).segments);

describe('rack route table (access-control.md §10.3)', () => {
  it('matches rows by method and one-segment placeholders, first row first', () => {
    expect(match('GET', '/apps')?.route.row).toBe(1);
    expect(match('GET', '/apps/storefront')?.params).toEqual({ app: 'storefront' });
    expect(match('GET', '/apps/storefront/builds/BABCDEFGHIJ.tgz')?.route.row).toBe(21);
    expect(match('GET', '/apps/storefront/builds/BABCDEFGHIJ')?.route.row).toBe(22);
    expect(match('SOCKET', '/apps/storefront/processes/web-1/exec')?.route).toMatchObject({
      row: 15,
      permission: 'convox:process:exec',
      mfa: 'step_up',
      mutation: true,
    });
    expect(match('POST', '/apps/storefront/releases/RX/promote')?.params).toEqual({
      app: 'storefront',
      id: 'RX',
    });
  });

  it('denies what is not in the table: raw objects, legacy env, HEAD, a log socket as GET', () => {
    expect(match('GET', '/apps/x/objects/tmp/y')).toBeNull();
    expect(match('GET', '/apps/x/environment')).toBeNull();
    expect(match('HEAD', '/apps')).toBeNull();
    expect(match('OPTIONS', '/apps')).toBeNull();
    expect(match('GET', '/apps/x/logs')).toBeNull();
    expect(match('GET', '/racks')).toBeNull();
    expect(match('GET', '/apps/x/builds/.tgz')?.route.row).toBe(22);
  });

  it('treats the query as irrelevant to matching and keeps raw path and query', () => {
    const p = parseRackPath('/apps/a%20b/processes?service=web&x=%2F');
    expect(p).toEqual({
      target: '/apps/a%20b/processes?service=web&x=%2F',
      rawPath: '/apps/a%20b/processes',
      rawQuery: 'service=web&x=%2F',
      segments: ['apps', 'a b', 'processes'],
    });
    expect(parseRackPath('/apps?').rawQuery).toBe('');
  });

  it('refuses dot segments, empty segments and encoded slashes with 400', () => {
    for (const bad of [
      '/apps/../system',
      '/apps//x',
      '/apps/a%2Fb',
      '/apps/%2e%2e',
      'apps',
      '/apps/%zz',
    ]) {
      expect(() => parseRackPath(bad), bad).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid_path' }),
      );
    }
  });

  it('marks the irreversible rows destructive and mutations as fail-closed', () => {
    expect(RACK_ROUTES.filter((r) => r.destructive).map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /apps/{app}',
      'POST /apps/{app}/budget/reset',
      'POST /apps/{app}/budget/simulate-shutdown',
      'DELETE /resources/{name}',
      'DELETE /certificates/{id}',
      'DELETE /registries/{server}',
      'DELETE /instances/{id}',
      'POST /system/karpenter/cleanup',
    ]);
    const mutations = RACK_ROUTES.filter((r) => r.mutation).map((r) => `${r.method} ${r.path}`);
    expect(mutations).toContain('SOCKET /apps/{app}/processes/{pid}/exec');
    expect(mutations).not.toContain('SOCKET /apps/{app}/logs');
    expect(mutations.every((m) => !m.startsWith('GET'))).toBe(true);
  });

  it('rows sharing a permission share an MFA level', () => {
    const levels = new Map<string, Set<string>>();
    for (const r of RACK_ROUTES)
      levels.set(r.permission, (levels.get(r.permission) ?? new Set()).add(r.mfa));
    for (const [permission, set] of levels) expect(set.size, permission).toBe(1);
  });
});

/** A concrete request path for a rack route pattern (`{x}` one segment, a trailing `*` two). */
const concrete = (path: string): string =>
  path.replace(/\{[a-z]+\}/g, 'x1').replace(/\/\*$/, '/v/w');

describe('issue 11 finding 2: every rack route has a row', () => {
  it('matches every route of the mock rack (the rack API) to a row of the same method', () => {
    const missing = RACK_API_ROUTES.filter((r) => match(r.method, concrete(r.path)) === null).map(
      (r) => `${r.method} ${r.path}`,
    );
    expect(missing).toEqual([]);
    expect(RACK_API_ROUTES.length).toBeGreaterThanOrEqual(100);
  });

  it('answers the budget read of every ps, services and scale for a viewer', () => {
    const budget = match('GET', '/apps/storefront/budget')?.route;
    expect(budget).toMatchObject({
      permission: 'convox:budget:read',
      mfa: 'none',
      mutation: false,
    });
    expect(grants(ROLES.viewer.permissions, budget?.permission ?? '')).toBe(true);
  });

  it('keeps secrets-bearing and rack-administration rows admin-only with MFA always', () => {
    const rows: [string, string][] = [
      ['GET', '/apps/a/resources/db/data'],
      ['PUT', '/apps/a/resources/db/data'],
      ['SOCKET', '/apps/a/resources/db/console'],
      ['POST', '/system/jwt/token'],
      ['POST', '/system/jwt/rotate'],
      ['SOCKET', '/instances/i-1/shell'],
      ['POST', '/instances/keyroll'],
      ['DELETE', '/instances/i-1'],
      ['SOCKET', '/proxy/db.internal/5432'],
      ['GET', '/v2/_catalog/x'],
      ['DELETE', '/custom/http/proxy/svc/path'],
    ];
    for (const [method, path] of rows) {
      const route = match(method, path)?.route;
      expect(route?.mfa, `${method} ${path}`).toBe('always');
      for (const role of ['viewer', 'ops', 'deployer', 'cicd'] as const)
        expect(grants(ROLES[role].permissions, route?.permission ?? ''), `${role} ${path}`).toBe(
          false,
        );
    }
  });

  it('matches a pass-through prefix only with at least one further segment', () => {
    expect(match('GET', '/v2/storefront/manifests/latest')?.route.permission).toBe(
      'convox:rack:proxy',
    );
    expect(match('GET', '/v2')).toBeNull();
    expect(match('POST', '/custom/http/proxy/a')?.route.mutation).toBe(true);
    expect(match('GET', '/custom/http/proxy')).toBeNull();
    expect(match('HEAD', '/v2/x')).toBeNull();
  });

  it('audits every new mutation as an attempt first, reads and OPTIONS not', () => {
    expect(match('OPTIONS', '/resources')?.route).toMatchObject({
      permission: 'convox:resource:read',
      mutation: false,
    });
    for (const [method, path] of [
      ['POST', '/apps/a/cancel'],
      ['POST', '/apps/a/processes/p/files'],
      ['DELETE', '/resources/db/links/a'],
      ['POST', '/certificates/generate'],
      ['POST', '/events'],
    ] as const)
      expect(match(method, path)?.route.mutation, `${method} ${path}`).toBe(true);
  });
});
