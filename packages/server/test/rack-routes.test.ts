import { describe, expect, it } from 'vitest';
import { matchRackRoute, RACK_ROUTES } from '../src/access/rack-routes.js';
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

  it('denies what is not in the table: certificates, legacy env, HEAD, a log socket as GET', () => {
    expect(match('GET', '/certificates')).toBeNull();
    expect(match('GET', '/apps/x/environment')).toBeNull();
    expect(match('HEAD', '/apps')).toBeNull();
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

  it('marks only app delete as destructive and mutations as fail-closed', () => {
    expect(RACK_ROUTES.filter((r) => r.destructive).map((r) => r.row)).toEqual([5]);
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
