// Issue 11, finding 2: the mock answers every route of the rack's API (RACK_API_ROUTES, derived
// from its routing table) with the rack's status and JSON shape; a route without a contract case
// here fails the first test, so the list and the contract cannot drift apart.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RACK_API_ROUTES } from '../src/index.js';
import {
  type Fixture,
  form,
  frameTexts,
  type RawResponse,
  rack,
  socket,
  startFixture,
} from './support/raw.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.mock.close());
beforeEach(() => f.mock.reset());

interface Targets {
  readonly pid: string;
  readonly instance: string;
}

interface Case {
  /** Concrete path; `{pid}` and `{instance}` are filled in from the demo state. */
  readonly path: string;
  /** A form body (sent url-encoded). */
  readonly form?: string;
  /** Requests run first (e.g. creating the certificate a delete removes). */
  readonly setup?: readonly (readonly [string, string, string])[];
  /** The expected JSON body, `ok\n` as 'ok', or a predicate on the parsed JSON. */
  readonly expect: 'ok' | 'bytes' | ((body: unknown) => void);
}

const S = '/apps/storefront';
const WEB = `${S}/services/web`;
const DB: readonly (readonly [string, string, string])[] = [
  ['POST', '/resources', 'name=db&type=postgres'],
  ['POST', '/resources/db/links', 'app=storefront'],
];
const CERT: readonly (readonly [string, string, string])[] = [
  ['POST', '/certificates/generate', 'domains=shop.example.com'],
];
const isList = (body: unknown) => expect(Array.isArray(body)).toBe(true);
const hasKeys =
  (...keys: string[]) =>
  (body: unknown) =>
    expect(Object.keys(body as object)).toEqual(expect.arrayContaining(keys));
const RESOURCE = hasKeys('name', 'parameters', 'status', 'type', 'url', 'apps');

const CASES: Readonly<Record<string, Case>> = {
  'GET /apps/{app}/budget': { path: `${S}/budget`, expect: hasKeys('config', 'state') },
  'POST /apps/{app}/budget': { path: `${S}/budget`, form: 'monthly-cap-usd=50', expect: 'ok' },
  'DELETE /apps/{app}/budget': { path: `${S}/budget`, expect: 'ok' },
  'GET /apps/{app}/budget/shutdown-state': {
    path: `${S}/budget/shutdown-state`,
    expect: hasKeys('active'),
  },
  'POST /apps/{app}/budget/dismiss-recovery': {
    path: `${S}/budget/dismiss-recovery`,
    expect: 'ok',
  },
  'POST /apps/{app}/budget/reset': { path: `${S}/budget/reset`, expect: 'ok' },
  'POST /apps/{app}/budget/simulate-shutdown': {
    path: `${S}/budget/simulate-shutdown`,
    expect: 'ok',
  },
  'POST /apps/{name}/cancel': { path: `${S}/cancel`, expect: 'ok' },
  'GET /apps/{app}/balancers': {
    path: `${S}/balancers`,
    expect: (b) => expect((b as { service: string }[]).map((x) => x.service)).toEqual(['web']),
  },
  'GET /apps/{app}/configs': { path: `${S}/configs`, expect: (b) => expect(b).toEqual([]) },
  'PUT /apps/{app}/configs': { path: `${S}/configs`, form: 'id=mask&value=x', expect: 'ok' },
  'GET /apps/{app}/configs/{name}': {
    path: `${S}/configs/mask`,
    setup: [['PUT', `${S}/configs/mask`, 'value=x']],
    expect: (b) => expect(b).toEqual({ id: 'mask', value: 'x' }),
  },
  'PUT /apps/{app}/configs/{name}': { path: `${S}/configs/mask`, form: 'value=y', expect: 'ok' },
  'GET /apps/{app}/cost': { path: `${S}/cost`, expect: hasKeys('app', 'currency', 'services') },
  'GET /apps/{app}/diagnose': { path: `${S}/diagnose`, expect: hasKeys('app', 'checks', 'status') },
  'GET /apps/{app}/manifest/services/{service}': {
    path: `${S}/manifest/services/web`,
    expect: (b) => expect(b).toMatchObject({ name: 'web' }),
  },
  'GET /apps/{app}/metrics-by-service': { path: `${S}/metrics-by-service`, expect: isList },
  'GET /apps/{name}/metrics': { path: `${S}/metrics`, expect: isList },
  'GET /apps/{app}/services/{service}/metrics': { path: `${WEB}/metrics`, expect: isList },
  'GET /apps/{app}/processes/{pid}/files': { path: `${S}/processes/{pid}/files`, expect: 'bytes' },
  'POST /apps/{app}/processes/{pid}/files': { path: `${S}/processes/{pid}/files`, expect: 'ok' },
  'DELETE /apps/{app}/processes/{pid}/files': { path: `${S}/processes/{pid}/files`, expect: 'ok' },
  'GET /apps/{app}/resources': {
    path: `${S}/resources`,
    setup: DB,
    expect: (b) => expect((b as { name: string }[]).map((r) => r.name)).toEqual(['db']),
  },
  'GET /apps/{app}/resources/{name}': { path: `${S}/resources/db`, setup: DB, expect: RESOURCE },
  'GET /apps/{app}/resources/{name}/data': {
    path: `${S}/resources/db/data`,
    setup: DB,
    expect: hasKeys('name'),
  },
  'PUT /apps/{app}/resources/{name}/data': {
    path: `${S}/resources/db/data`,
    setup: DB,
    expect: 'ok',
  },
  'POST /apps/{app}/builds/{id}/image': {
    path: `${S}/builds/BSTOREFAAAA/image`,
    expect: hasKeys('id', 'status'),
  },
  'POST /apps/{app}/services/{service}/scale-override': {
    path: `${WEB}/scale-override`,
    expect: 'ok',
  },
  'POST /apps/{app}/services/{service}/triggers/disable': {
    path: `${WEB}/triggers/disable`,
    expect: 'ok',
  },
  'POST /apps/{app}/services/{service}/triggers/enable': {
    path: `${WEB}/triggers/enable`,
    expect: 'ok',
  },
  'POST /apps/{app}/services/{service}/triggers/threshold': {
    path: `${WEB}/triggers/threshold`,
    expect: 'ok',
  },
  'PUT /apps/{app}/ssl/{service}/{port}': { path: `${S}/ssl/web/443`, expect: 'ok' },
  'GET /certificates': {
    path: '/certificates',
    setup: CERT,
    expect: (b) => expect(b).toMatchObject([{ domain: 'shop.example.com', id: 'cert-0001' }]),
  },
  'POST /certificates': {
    path: '/certificates',
    form: 'pub=x&key=y',
    expect: hasKeys('id', 'domain'),
  },
  'POST /certificates/generate': {
    path: '/certificates/generate',
    form: 'domains=a.example.com,b.example.com',
    expect: (b) => expect(b).toMatchObject({ domains: ['a.example.com', 'b.example.com'] }),
  },
  'POST /certificates/{id}/renew': {
    path: '/certificates/cert-0001/renew',
    setup: CERT,
    expect: 'ok',
  },
  'DELETE /certificates/{id}': { path: '/certificates/cert-0001', setup: CERT, expect: 'ok' },
  'GET /registries': {
    path: '/registries',
    setup: [['POST', '/registries', 'server=r.example.com&username=u&password=secret']],
    expect: (b) => expect(b).toEqual([{ server: 'r.example.com', username: 'u' }]),
  },
  'POST /registries': {
    path: '/registries',
    form: 'server=r.example.com&username=u&password=p',
    expect: hasKeys('server'),
  },
  'DELETE /registries/{server}': {
    path: '/registries/r.example.com',
    setup: [['POST', '/registries', 'server=r.example.com']],
    expect: 'ok',
  },
  'GET /resources': {
    path: '/resources',
    setup: DB,
    expect: (b) => expect(b).toMatchObject([{ name: 'db', apps: [{ name: 'storefront' }] }]),
  },
  'POST /resources': { path: '/resources', form: 'name=cache&type=redis', expect: RESOURCE },
  'OPTIONS /resources': { path: '/resources', expect: isList },
  'GET /resources/{name}': { path: '/resources/db', setup: DB, expect: RESOURCE },
  'PUT /resources/{name}': {
    path: '/resources/db',
    setup: DB,
    form: 'size=large',
    expect: RESOURCE,
  },
  'DELETE /resources/{name}': { path: '/resources/db', setup: DB, expect: 'ok' },
  'POST /resources/{name}/links': {
    path: '/resources/db/links',
    setup: DB,
    form: 'app=billing-api',
    expect: RESOURCE,
  },
  'DELETE /resources/{name}/links/{app}': {
    path: '/resources/db/links/storefront',
    setup: DB,
    expect: (b) => expect(b).toMatchObject({ apps: [] }),
  },
  'POST /instances/keyroll': { path: '/instances/keyroll', expect: 'ok' },
  'DELETE /instances/{id}': { path: '/instances/{instance}', expect: 'ok' },
  'GET /letsencrypt/config': { path: '/letsencrypt/config', expect: hasKeys('solvers') },
  'PUT /letsencrypt/config': { path: '/letsencrypt/config', expect: 'ok' },
  'POST /system/jwt/token': { path: '/system/jwt/token', expect: hasKeys('token') },
  'POST /system/jwt/rotate': { path: '/system/jwt/rotate', expect: 'ok' },
  'POST /system/karpenter/cleanup': { path: '/system/karpenter/cleanup', expect: 'ok' },
  'POST /events': { path: '/events', form: 'action=app:create', expect: 'ok' },
  'GET /custom/http/proxy/*': { path: '/custom/http/proxy/x/y', expect: 'ok' },
  'POST /custom/http/proxy/*': { path: '/custom/http/proxy/x/y', expect: 'ok' },
  'PUT /custom/http/proxy/*': { path: '/custom/http/proxy/x/y', expect: 'ok' },
  'DELETE /custom/http/proxy/*': { path: '/custom/http/proxy/x/y', expect: 'ok' },
  'GET /v2/*': { path: '/v2/', expect: hasKeys() },
  'POST /v2/*': { path: '/v2/app/blobs/uploads/', expect: hasKeys() },
  'PUT /v2/*': { path: '/v2/app/manifests/latest', expect: hasKeys() },
  'DELETE /v2/*': { path: '/v2/app/manifests/latest', expect: hasKeys() },
};

/** Echo sockets: text frames come back, the client's EOF ends the socket. */
const ECHO_SOCKETS: Readonly<Record<string, string>> = {
  'SOCKET /apps/{app}/resources/{name}/console': `${S}/resources/db/console`,
  'SOCKET /instances/{id}/shell': '/instances/{instance}/shell',
  'SOCKET /proxy/{host}/{port}': '/proxy/db.internal/5432',
};

/** Routes of API §7.1 whose contracts live in the golden, protocol and socket tests. */
const COVERED_ELSEWHERE = new Set([
  '/apps',
  '/apps/{app}',
  '/instances',
  '/instances/{id}',
  '/system',
  '/system/logs',
]);
const coveredElsewhere = (path: string) =>
  COVERED_ELSEWHERE.has(path) ||
  /^\/apps\/\{app\}\/(restart|services|processes|logs|builds|releases|objects)/.test(path) ||
  /^\/system\/(capacity|metrics|processes|releases)$/.test(path);

async function targets(): Promise<Targets> {
  const ps = await rack(f, { path: `${S}/processes` });
  const instances = await rack(f, { path: '/instances' });
  return {
    pid: (JSON.parse(ps.body) as { id: string }[])[0]?.id ?? '',
    instance: (JSON.parse(instances.body) as { id: string }[])[0]?.id ?? '',
  };
}

const fill = (path: string, t: Targets) =>
  path.replace('{pid}', t.pid).replace('{instance}', t.instance);

async function send(method: string, path: string, body?: string): Promise<RawResponse> {
  return body === undefined ? rack(f, { method, path }) : form(f, method, path, body);
}

describe('issue 11 finding 2: the mock rack answers every rack route', () => {
  it('has a contract case for every route of RACK_API_ROUTES', () => {
    const missing = RACK_API_ROUTES.map((r) => `${r.method} ${r.path}`).filter(
      (key) =>
        !(key in CASES) && !(key in ECHO_SOCKETS) && !coveredElsewhere(key.split(' ')[1] ?? ''),
    );
    expect(missing).toEqual([]);
    expect(RACK_API_ROUTES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(Object.entries(CASES))('%s', async (key, c) => {
    const method = key.split(' ')[0] ?? '';
    const t = await targets();
    for (const [m, p, b] of c.setup ?? []) expect((await send(m, p, b)).status).toBe(200);
    const res = await send(method, fill(c.path, t), c.form);
    expect(res.status, res.body).toBe(200);
    const log = f.mock.requests.list().at(-1);
    expect(log).toMatchObject({
      method,
      status: 200,
      routePattern: key.split(' ')[1]?.replace(/\*$/, '**'),
    });
    if (c.expect === 'ok') expect(res.body).toBe('ok\n');
    else if (c.expect === 'bytes')
      expect(res.headers['content-type']).toBe('application/octet-stream');
    else c.expect(JSON.parse(res.body));
  });

  it.each(Object.entries(ECHO_SOCKETS))(
    '%s opens, echoes and closes on EOF',
    async (_key, path) => {
      for (const [m, p, b] of DB) await send(m, p, b);
      const s = await socket(f, fill(path, await targets()));
      s.ws.send(Buffer.from('hello\n'), { binary: false });
      s.ws.send(Buffer.alloc(0), { binary: true });
      expect(await s.closed).toBe(1000);
      expect(frameTexts(s.frames)).toEqual(['hello\n', '<EOF:0>']);
    },
  );

  it('answers unknown targets 404 and refuses bad credentials on the new routes', async () => {
    expect((await rack(f, { path: '/apps/nope/budget' })).body).toBe('app not found: nope\n');
    expect((await rack(f, { path: '/resources/nope' })).status).toBe(404);
    expect((await rack(f, { method: 'DELETE', path: '/certificates/nope' })).status).toBe(404);
    const anon = await rack(f, { path: '/certificates', headers: { Authorization: '' } });
    expect(anon.status).toBe(401);
    const shell = await socket(f, '/instances/nope/shell');
    await shell.closed;
    expect(frameTexts(shell.frames)).toEqual(['ERROR: instance not found: nope\n', '<EOF:0>']);
  });

  it('keeps budgets, registries and resource links until a reset', async () => {
    await form(f, 'POST', `${S}/budget`, 'monthly-cap-usd=50');
    const budget = JSON.parse((await rack(f, { path: `${S}/budget` })).body) as { config: unknown };
    expect(budget.config).toEqual({ 'monthly-cap-usd': '50' });
    f.mock.reset();
    expect(JSON.parse((await rack(f, { path: `${S}/budget` })).body)).toEqual({
      config: null,
      state: null,
    });
  });
});
