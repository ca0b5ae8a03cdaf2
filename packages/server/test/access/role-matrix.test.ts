// The full role × route matrix (access-control.md §5, §8.6, §9, §10.3; issue 5 item 7): every row
// of GATEWAY_ROUTES and RACK_ROUTES is called as each demo role, a cicd token and a token with a
// narrow list, against a real gateway and the mock rack. Expectations come from the spec tables
// written out below — the route → permission map and the role matrix — never from the code under
// test, so loosening a row's permission (or a role) makes this fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACK_ROUTES } from '../../src/access/rack-routes.js';
import { GATEWAY_ROUTES } from '../../src/access/route-table.js';
import {
  basic,
  type DemoUser,
  emailOf,
  openSocket,
  type ProxyHarness,
  startProxyHarness,
  TOTP,
} from '../proxy/proxy-harness.js';

// ── §9 and §10.3: method, path, permission (or public), self permission, flags (S = session only).
const SPEC_GATEWAY = `
GET /health public
GET /auth/web/login public
GET /auth/web/callback public
POST /auth/cli/start public
GET /auth/cli/authorize public
GET /auth/cli/callback public
POST /auth/cli/complete public
POST /auth/mfa/webauthn/handoff/:id/options public
POST /auth/mfa/webauthn/handoff/:id/verify public
GET /auth/cli/login auth:cli_login:approve - S
POST /auth/cli/approve auth:cli_login:approve - S
POST /auth/cli/deny auth:cli_login:approve - S
POST /auth/logout auth:session:revoke - S
GET /info auth:profile:read
GET /created-by convox:app:read
GET /rack convox:rack:read
GET /apps/:app/env convox:env:read
GET /apps/:app/env/secrets convox:secret:read
PUT /apps/:app/env convox:env:set
GET /convox/apps convox:app:list
GET /convox/apps/:app convox:app:read
GET /convox/apps/:app/services convox:app:read
GET /convox/apps/:app/processes convox:process:list
GET /convox/apps/:app/processes/:pid convox:process:read
GET /convox/apps/:app/builds convox:build:list
GET /convox/apps/:app/builds/:id convox:build:read
GET /convox/apps/:app/releases convox:release:list
GET /convox/apps/:app/releases/:id convox:release:read
GET /convox/instances convox:instance:list
GET /convox/system/processes convox:rack:read
SOCKET /convox/apps/:app/logs convox:log:read
SOCKET /convox/apps/:app/builds/:id/logs convox:log:read
PUT /convox/apps/:app/services/:name convox:app:update
POST /convox/apps/:app/services/:name/restart convox:process:start
POST /convox/apps/:app/releases/:id/promote convox:release:promote
DELETE /convox/apps/:app/processes/:pid convox:process:terminate
GET /settings gateway:setting:read
GET /apps/:app/settings gateway:setting:read
GET /roles gateway:role:read
GET /users gateway:user:read auth:profile:read
GET /users/:email gateway:user:read auth:profile:read
POST /users gateway:user:create
PUT /users/:email gateway:user:update
PUT /users/:email/name gateway:user:update_name auth:profile:update
DELETE /users/:email gateway:user:delete
POST /users/:email/lock gateway:user:lock
POST /users/:email/unlock gateway:user:lock
POST /users/:email/mfa/reset gateway:user:reset_mfa
POST /users/:email/idp-binding/reset gateway:user:reset_idp_binding
GET /users/:email/sessions gateway:session:list auth:session:list
POST /users/:email/sessions/:sessionId/revoke gateway:session:revoke auth:session:revoke
POST /users/:email/sessions/revoke_all gateway:session:revoke auth:session:revoke
GET /api-tokens gateway:api_token:read auth:api_token:read
GET /api-tokens/:tokenId gateway:api_token:read auth:api_token:read
GET /api-tokens/permissions gateway:api_token:create
POST /api-tokens gateway:api_token:create
PUT /api-tokens/:tokenId gateway:api_token:update auth:api_token:update
DELETE /api-tokens/:tokenId gateway:api_token:delete auth:api_token:delete
GET /audit-logs gateway:audit:read auth:audit:read
GET /audit-logs/stats gateway:audit:read auth:audit:read
GET /audit-logs/events/:seq gateway:audit:read
GET /audit-logs/chain-status gateway:audit:read
GET /audit-logs/export gateway:audit:export
POST /audit-logs/verify gateway:audit:verify
GET /audit-logs/verify/:id gateway:audit:verify
GET /terminal-sessions/:id gateway:terminal_session:read
GET /terminal-sessions/:id/frames gateway:terminal_session:read
GET /deploy-approval-requests gateway:deploy_approval_request:read
GET /deploy-approval-requests/:id gateway:deploy_approval_request:read
GET /deploy-approval-requests/:id/audit-logs gateway:deploy_approval_request:read
POST /deploy-approval-requests gateway:deploy_approval_request:create
POST /deploy-approval-requests/:id/approve gateway:deploy_approval_request:approve - S
POST /deploy-approval-requests/:id/reject gateway:deploy_approval_request:approve - S
POST /deploy-approval-requests/:id/extend gateway:deploy_approval_request:approve - S
GET /integrations gateway:integration:read
GET /integrations/slack gateway:integration:read
GET /integrations/slack/channels gateway:integration:read
POST /integrations/slack/oauth/authorize gateway:integration:manage - S
GET /integrations/slack/oauth/callback gateway:integration:manage - S
PUT /integrations/slack/token gateway:integration:manage
PUT /integrations/slack/channels gateway:integration:manage
PUT /integrations/slack/alerts gateway:integration:manage
POST /integrations/slack/test gateway:integration:manage
DELETE /integrations/slack gateway:integration:manage
GET /jobs gateway:job:read
GET /jobs/:id gateway:job:read
POST /jobs/:id/retry gateway:job:update
POST /jobs/:id/cancel gateway:job:update
GET /auth/mfa/status auth:mfa_method:read - S
POST /auth/mfa/enroll/totp/start auth:mfa_method:create - S
POST /auth/mfa/enroll/webauthn/start auth:mfa_method:create - S
POST /auth/mfa/enroll/totp/confirm auth:mfa_method:create - S
POST /auth/mfa/enroll/webauthn/confirm auth:mfa_method:create - S
POST /auth/mfa/enroll/yubiotp auth:mfa_method:create - S
POST /auth/mfa/verify auth:mfa_verification:create - S
POST /auth/mfa/webauthn/assertion/start auth:mfa_verification:create - S
POST /auth/mfa/webauthn/assertion/verify auth:mfa_verification:create - S
POST /auth/mfa/webauthn/handoff auth:mfa_verification:create - S
GET /auth/mfa/webauthn/handoff/:id auth:mfa_verification:create - S
PUT /auth/mfa/preferred-method auth:mfa_preferences:update - S
PUT /auth/mfa/methods/:methodId auth:mfa_method:update - S
DELETE /auth/mfa/methods/:methodId auth:mfa_method:delete - S
POST /auth/mfa/backup-codes/regenerate auth:mfa_backup_codes:generate - S
POST /auth/mfa/trusted-devices/trust auth:trusted_device:create - S
DELETE /auth/mfa/trusted-devices/:deviceId auth:trusted_device:delete - S
`;

const SPEC_RACK = `
GET /apps convox:app:list
POST /apps convox:app:create
GET /apps/{app} convox:app:read
PUT /apps/{app} convox:app:update
DELETE /apps/{app} convox:app:delete
POST /apps/{app}/restart convox:app:restart
GET /apps/{app}/services convox:app:read
PUT /apps/{app}/services/{service} convox:app:update
POST /apps/{app}/services/{service}/restart convox:process:start
POST /apps/{app}/services/{service}/processes convox:process:start
SOCKET /apps/{app}/services/{service}/logs convox:log:read
GET /apps/{app}/processes convox:process:list
GET /apps/{app}/processes/{pid} convox:process:read
DELETE /apps/{app}/processes/{pid} convox:process:terminate
SOCKET /apps/{app}/processes/{pid}/exec convox:process:exec
SOCKET /apps/{app}/processes/{pid}/logs convox:log:read
SOCKET /apps/{app}/logs convox:log:read
GET /apps/{app}/builds convox:build:list
POST /apps/{app}/builds convox:build:create
POST /apps/{app}/builds/import convox:build:create
GET /apps/{app}/builds/{id}.tgz convox:build:read
GET /apps/{app}/builds/{id} convox:build:read
PUT /apps/{app}/builds/{id} convox:build:update
SOCKET /apps/{app}/builds/{id}/logs convox:log:read
GET /apps/{app}/releases convox:release:list
POST /apps/{app}/releases convox:release:create
GET /apps/{app}/releases/{id} convox:release:read
POST /apps/{app}/releases/{id}/promote convox:release:promote
POST /apps/{app}/objects/tmp/{name} convox:object:create
GET /instances convox:instance:list
GET /instances/{id} convox:instance:read
GET /system convox:rack:read
GET /system/capacity convox:rack:read
GET /system/metrics convox:rack:read
GET /system/processes convox:rack:read
GET /system/releases convox:rack:read
PUT /system convox:rack:update
SOCKET /system/logs convox:log:read
GET /apps/{app}/budget convox:budget:read
GET /apps/{app}/budget/shutdown-state convox:budget:read
POST /apps/{app}/budget convox:budget:update
DELETE /apps/{app}/budget convox:budget:update
POST /apps/{app}/budget/dismiss-recovery convox:budget:update
POST /apps/{app}/budget/reset convox:budget:reset
POST /apps/{app}/budget/simulate-shutdown convox:budget:reset
GET /apps/{app}/balancers convox:app:read
GET /apps/{app}/cost convox:app:read
GET /apps/{app}/diagnose convox:app:read
GET /apps/{app}/manifest/services/{service} convox:app:read
GET /apps/{app}/metrics-by-service convox:app:read
GET /apps/{app}/metrics convox:app:read
GET /apps/{app}/services/{service}/metrics convox:app:read
POST /apps/{app}/cancel convox:app:update
POST /apps/{app}/services/{service}/scale-override convox:app:update
POST /apps/{app}/services/{service}/triggers/disable convox:app:update
POST /apps/{app}/services/{service}/triggers/enable convox:app:update
POST /apps/{app}/services/{service}/triggers/threshold convox:app:update
PUT /apps/{app}/ssl/{service}/{port} convox:app:update
GET /apps/{app}/configs convox:config:read
GET /apps/{app}/configs/{name} convox:config:read
PUT /apps/{app}/configs convox:config:set
PUT /apps/{app}/configs/{name} convox:config:set
GET /apps/{app}/processes/{pid}/files convox:process:exec
POST /apps/{app}/processes/{pid}/files convox:process:exec
DELETE /apps/{app}/processes/{pid}/files convox:process:exec
POST /apps/{app}/builds/{id}/image convox:build:create
GET /apps/{app}/resources convox:resource:read
GET /apps/{app}/resources/{name} convox:resource:read
GET /resources convox:resource:read
OPTIONS /resources convox:resource:read
GET /resources/{name} convox:resource:read
GET /apps/{app}/resources/{name}/data convox:resource:data
PUT /apps/{app}/resources/{name}/data convox:resource:data
SOCKET /apps/{app}/resources/{name}/console convox:resource:data
POST /resources convox:resource:manage
PUT /resources/{name} convox:resource:manage
POST /resources/{name}/links convox:resource:manage
DELETE /resources/{name}/links/{app} convox:resource:manage
DELETE /resources/{name} convox:resource:delete
GET /certificates convox:certificate:read
POST /certificates convox:certificate:manage
POST /certificates/generate convox:certificate:manage
POST /certificates/{id}/renew convox:certificate:manage
DELETE /certificates/{id} convox:certificate:delete
GET /registries convox:registry:read
POST /registries convox:registry:manage
DELETE /registries/{server} convox:registry:delete
SOCKET /instances/{id}/shell convox:instance:shell
POST /instances/keyroll convox:instance:keyroll
DELETE /instances/{id} convox:instance:terminate
GET /letsencrypt/config convox:rack:read
PUT /letsencrypt/config convox:rack:update
POST /events convox:rack:update
POST /system/jwt/token convox:rack:jwt
POST /system/jwt/rotate convox:rack:jwt
POST /system/karpenter/cleanup convox:rack:cleanup
SOCKET /proxy/{host}/{port} convox:rack:proxy
GET /custom/http/proxy/* convox:rack:proxy
POST /custom/http/proxy/* convox:rack:proxy
PUT /custom/http/proxy/* convox:rack:proxy
DELETE /custom/http/proxy/* convox:rack:proxy
GET /v2/* convox:rack:proxy
POST /v2/* convox:rack:proxy
PUT /v2/* convox:rack:proxy
DELETE /v2/* convox:rack:proxy
`;

// ── §5: which roles hold which permissions (V viewer, O ops, D deployer, C cicd; admin: all).
const MATRIX = `
VODC convox:app:list convox:app:read convox:process:list convox:process:read
VODC convox:instance:list convox:instance:read convox:rack:read
VOD convox:log:read convox:build:list convox:build:read
VODC convox:budget:read
VOD convox:certificate:read
OD convox:config:read convox:resource:read convox:registry:read
D convox:config:set convox:budget:update
- convox:budget:reset convox:resource:data convox:resource:manage convox:resource:delete
- convox:certificate:manage convox:certificate:delete convox:registry:manage
- convox:registry:delete convox:instance:shell convox:instance:keyroll
- convox:instance:terminate convox:rack:jwt convox:rack:cleanup convox:rack:proxy
OD convox:app:restart convox:process:start convox:process:exec convox:process:terminate
OD convox:release:list convox:env:read
D convox:build:create convox:object:create convox:release:create convox:release:read
D convox:release:promote convox:env:set convox:app:update
- convox:app:create convox:app:delete convox:build:update convox:rack:update
- convox:secret:read convox:secret:set
C convox:deploy:deploy_with_approval
VOD gateway:role:read gateway:setting:read
DC gateway:deploy_approval_request:create gateway:deploy_approval_request:read
D gateway:api_token:create
- gateway:deploy_approval_request:approve gateway:user:read gateway:user:create
- gateway:user:update gateway:user:update_name gateway:user:delete gateway:user:lock
- gateway:user:reset_mfa gateway:user:reset_idp_binding gateway:session:list
- gateway:session:revoke gateway:api_token:read
- gateway:api_token:update gateway:api_token:delete gateway:setting:update gateway:audit:read
- gateway:audit:export gateway:audit:verify gateway:terminal_session:read
- gateway:integration:read gateway:integration:manage gateway:job:read gateway:job:update
VODC auth:profile:read
VOD auth:profile:update auth:session:list auth:session:revoke auth:audit:read
VOD auth:cli_login:approve auth:mfa_method:read auth:mfa_method:create auth:mfa_method:update
VOD auth:mfa_method:delete auth:mfa_verification:create auth:mfa_preferences:update
VOD auth:mfa_backup_codes:generate auth:trusted_device:create auth:trusted_device:delete
D auth:api_token:read auth:api_token:update auth:api_token:delete
`;

const LETTER: Record<string, string> = { viewer: 'V', ops: 'O', deployer: 'D', cicd: 'C' };
const HELD = new Map<string, Set<string>>();
for (const line of MATRIX.trim().split('\n')) {
  const [roles = '', ...permissions] = line.split(' ');
  for (const p of permissions) HELD.set(p, new Set(roles === '-' ? [] : roles.split('')));
}
const holdsByRole = (role: string, permission: string): boolean =>
  role === 'admin' || (HELD.get(permission)?.has(LETTER[role] ?? '?') ?? false);

/** The narrow token: its own list, owned by the deployer (so bounded by the deployer too). */
const NARROW = [
  'convox:app:read',
  'convox:process:list',
  'convox:process:start',
  'convox:release:list',
  'gateway:role:read',
];
const narrowHolds = (p: string): boolean => holdsByRole('deployer', p) && NARROW.includes(p);

interface SpecRow {
  readonly method: string;
  readonly path: string;
  readonly permission: string;
  readonly self: string | null;
  readonly sessionOnly: boolean;
}

function parseSpec(text: string, prefix: string): Map<string, SpecRow> {
  const rows = new Map<string, SpecRow>();
  for (const line of text.trim().split('\n')) {
    const [method = '', path = '', permission = '', self = '-', flags = ''] = line.split(' ');
    const full = `${prefix}${path}`;
    rows.set(`${method} ${full}`, {
      method,
      path: full,
      permission,
      self: self === '-' ? null : self,
      sessionOnly: flags === 'S',
    });
  }
  return rows;
}

const GATEWAY_SPEC = parseSpec(SPEC_GATEWAY, '/api/v1');
const RACK_SPEC = parseSpec(SPEC_RACK, '/api/v1/rack-proxy');

type Principal = DemoUser | 'cicd' | 'narrow';
const PRINCIPALS: readonly Principal[] = ['viewer', 'ops', 'deployer', 'admin', 'cicd', 'narrow'];
const OWNER: Record<Principal, DemoUser> = {
  viewer: 'viewer',
  ops: 'ops',
  deployer: 'deployer',
  admin: 'admin',
  cicd: 'admin',
  narrow: 'deployer',
};

function expectedAllow(who: Principal, row: SpecRow): boolean {
  const holds = (p: string) =>
    who === 'narrow' ? narrowHolds(p) : holdsByRole(who === 'cicd' ? 'cicd' : who, p);
  return holds(row.permission) || (row.self !== null && holds(row.self));
}

function fill(path: string, who: Principal): string {
  return path
    .replace(':email', encodeURIComponent(emailOf(OWNER[who])))
    .replace(/:app\b|\{app\}/g, 'matrix-app')
    .replace(/\{id\}\.tgz/, 'x.tgz')
    .replace(/\/\*$/, '/x/y')
    .replace(/:[A-Za-z]+|\{[a-z]+\}/g, 'x');
}

interface Outcome {
  readonly status: number;
  readonly reason: string | null;
  readonly required: string | null;
}

describe('role × route matrix (access-control.md §8.6)', () => {
  let p: ProxyHarness;
  const credentials = new Map<Principal, string>();

  async function createToken(owner: DemoUser, body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${p.h.url}/api/v1/api-tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await p.cliToken(owner)}`,
        'content-type': 'application/json',
        'x-mfa-totp': TOTP,
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { token?: string };
    if (res.status !== 201 || !json.token)
      throw new Error(`token: ${res.status} ${JSON.stringify(json)}`);
    return json.token;
  }

  beforeAll(async () => {
    p = await startProxyHarness();
    for (const user of ['viewer', 'ops', 'deployer', 'admin'] as const)
      credentials.set(user, await p.cliToken(user));
    await p.enrol('admin');
    await p.enrol('deployer');
    credentials.set('cicd', await createToken('admin', { name: 'matrix-cicd', role: 'cicd' }));
    credentials.set(
      'narrow',
      await createToken('deployer', { name: 'matrix-narrow', permissions: NARROW }),
    );
    p.h.mfa.enrolled.clear();
  });
  afterAll(async () => {
    await p?.close();
  });

  async function socketCall(url: string, auth: string): Promise<Outcome> {
    try {
      const opened = await openSocket(url.replace(/^http/, 'ws'), { authorization: auth });
      opened.socket.close();
      return { status: 101, reason: null, required: null };
    } catch (err) {
      const e = err as { status?: number; headers?: Record<string, string> };
      return {
        status: e.status ?? 0,
        reason: e.headers?.['x-error-reason'] ?? null,
        required: e.headers?.['x-required-permission'] ?? null,
      };
    }
  }

  async function callAs(who: Principal, row: SpecRow, rack: boolean): Promise<Outcome> {
    const credential = credentials.get(who) ?? '';
    const auth = rack ? basic(credential) : `Bearer ${credential}`;
    const url = `${p.h.url}${fill(row.path, who)}`;
    if (row.method === 'SOCKET') return socketCall(url, auth);
    const body = ['POST', 'PUT', 'PATCH'].includes(row.method) && !rack;
    const res = await fetch(url, {
      method: row.method,
      headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: '{}' } : {}),
    });
    await res.arrayBuffer();
    return {
      status: res.status,
      reason: res.headers.get('x-error-reason'),
      required: res.headers.get('x-required-permission'),
    };
  }

  const deniedAs = (row: SpecRow, got: Outcome): string | null =>
    got.status === 403 && got.reason === 'permission_denied' && got.required === row.permission
      ? null
      : 'expected deny';

  function allowedAs(got: Outcome, rack: boolean): string | null {
    if (got.reason === 'permission_denied') return 'expected allow';
    if (rack && got.reason === 'route_not_allowed') return 'rack row not matched';
    if (got.status === 401 && /^(unauthenticated|session_)/.test(got.reason ?? ''))
      return 'credential no longer valid';
    return null;
  }

  /** What the outcome should have been, or null when it was right. */
  function verdict(who: Principal, row: SpecRow, got: Outcome, rack: boolean): string | null {
    if ((who === 'cicd' || who === 'narrow') && row.sessionOnly)
      return got.reason === 'user_session_required' ? null : 'expected user_session_required';
    return expectedAllow(who, row) ? allowedAs(got, rack) : deniedAs(row, got);
  }

  function check(who: Principal, row: SpecRow, got: Outcome, rack: boolean): string | null {
    const wrong = verdict(who, row, got, rack);
    if (wrong === null) return null;
    return `${who} ${row.method} ${row.path}: got ${got.status} ${got.reason ?? ''} (${wrong})`;
  }

  it('the spec tables name every row of the route tables', () => {
    const missing = GATEWAY_ROUTES.filter(
      (r) =>
        !r.rackProxy && r.path.startsWith('/api/v1/') && !GATEWAY_SPEC.has(`${r.method} ${r.path}`),
    ).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const rack = RACK_ROUTES.map((r) => `${r.method} /api/v1/rack-proxy${r.path}`);
    expect(rack.sort()).toEqual([...RACK_SPEC.keys()].sort());
    for (const r of GATEWAY_ROUTES.filter(
      (x) => !x.rackProxy && GATEWAY_SPEC.has(`${x.method} ${x.path}`),
    )) {
      const spec = GATEWAY_SPEC.get(`${r.method} ${r.path}`);
      expect([r.sessionOnly === true, spec?.sessionOnly], `${r.method} ${r.path}`).toEqual([
        spec?.sessionOnly,
        r.sessionOnly === true,
      ]);
    }
  });

  it('allows and denies every rack row exactly as the spec says', async () => {
    const failures: string[] = [];
    for (const who of PRINCIPALS.filter(
      (w) => !['viewer', 'ops', 'deployer', 'admin'].includes(w) || credentials.has(w),
    ))
      for (const row of RACK_SPEC.values()) {
        const failure = check(who, row, await callAs(who, row, true), true);
        if (failure !== null) failures.push(failure);
      }
    expect(failures).toEqual([]);
  });

  it('allows and denies every gateway row exactly as the spec says', async () => {
    const rows = GATEWAY_ROUTES.filter((r) => !r.rackProxy && r.permission !== 'public')
      .map((r) => GATEWAY_SPEC.get(`${r.method} ${r.path}`))
      .filter((r): r is SpecRow => r !== undefined)
      // Logging out ends the caller's session: last (and the rack rows ran before).
      .sort((a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')));
    const failures: string[] = [];
    for (const who of PRINCIPALS)
      for (const row of rows) {
        const failure = check(who, row, await callAs(who, row, false), false);
        if (failure !== null) failures.push(failure);
      }
    expect(failures).toEqual([]);
    expect(rows.length).toBeGreaterThan(60);
  });
});
