// Rows 35+ of the rack route table (issue 11): the rest of the rack API, grouped by permission so
// every row of a permission has the same MFA level (access-control.md §8.4). No role holds the
// resource, certificate, registry, instance and rack administration permissions: admin only.
import type { AuditAction } from '../audit/catalogue.js';
import type { Permission } from './permissions.js';
import type { Row } from './rack-routes.js';
import type { MfaLevel } from './route-types.js';

type Entry = readonly [row: number, route: string, audit: AuditAction];

function rows(
  permission: Permission,
  mfa: MfaLevel,
  entries: readonly Entry[],
  destructive?: true,
): Row[] {
  return entries.map(([row, route, audit]) => {
    const [method = '', path = ''] = route.split(' ');
    return {
      row,
      method: method as Row['method'],
      path,
      permission,
      mfa,
      audit,
      ...(destructive ? { destructive } : {}),
    };
  });
}

/** The rack's own pass-through prefixes (`/v2/…` registry, `/custom/http/proxy/…`): admin only. */
const PASS_THROUGH = ['GET', 'POST', 'PUT', 'DELETE'].flatMap((method): Entry[] => [
  [60, `${method} /custom/http/proxy/*`, 'rack.proxy'],
  [61, `${method} /v2/*`, 'registry.proxy'],
]);

export const EXTENDED_ROWS: readonly Row[] = [
  // Budget reads are best-effort reads of every `ps`, `services` and `scale`.
  ...rows('convox:budget:read', 'none', [
    [35, 'GET /apps/{app}/budget', 'budget.read'],
    [35, 'GET /apps/{app}/budget/shutdown-state', 'budget.read'],
  ]),
  ...rows('convox:budget:update', 'step_up', [
    [36, 'POST /apps/{app}/budget', 'budget.update'],
    [36, 'DELETE /apps/{app}/budget', 'budget.update'],
    [36, 'POST /apps/{app}/budget/dismiss-recovery', 'budget.update'],
  ]),
  // Reset and simulated shutdown stop the app's services.
  ...rows(
    'convox:budget:reset',
    'always',
    [
      [37, 'POST /apps/{app}/budget/reset', 'budget.reset'],
      [37, 'POST /apps/{app}/budget/simulate-shutdown', 'budget.reset'],
    ],
    true,
  ),
  ...rows('convox:app:read', 'none', [
    [38, 'GET /apps/{app}/balancers', 'app.read'],
    [38, 'GET /apps/{app}/cost', 'app.read'],
    [38, 'GET /apps/{app}/diagnose', 'app.read'],
    [38, 'GET /apps/{app}/manifest/services/{service}', 'app.read'],
    [38, 'GET /apps/{app}/metrics-by-service', 'app.read'],
    [38, 'GET /apps/{app}/metrics', 'app.read'],
    [38, 'GET /apps/{app}/services/{service}/metrics', 'app.read'],
  ]),
  ...rows('convox:app:update', 'step_up', [
    [39, 'POST /apps/{app}/cancel', 'app.cancel'],
    [39, 'POST /apps/{app}/services/{service}/scale-override', 'app.update'],
    [39, 'POST /apps/{app}/services/{service}/triggers/disable', 'app.update'],
    [39, 'POST /apps/{app}/services/{service}/triggers/enable', 'app.update'],
    [39, 'POST /apps/{app}/services/{service}/triggers/threshold', 'app.update'],
    [39, 'PUT /apps/{app}/ssl/{service}/{port}', 'app.update'],
  ]),
  // Config files are read like the environment (ops) and set like it (deployer).
  ...rows('convox:config:read', 'none', [
    [40, 'GET /apps/{app}/configs', 'config.read'],
    [40, 'GET /apps/{app}/configs/{name}', 'config.read'],
  ]),
  ...rows('convox:config:set', 'step_up', [
    [41, 'PUT /apps/{app}/configs', 'config.set'],
    [41, 'PUT /apps/{app}/configs/{name}', 'config.set'],
  ]),
  // `convox cp` reads and writes a container's files: as powerful as exec.
  ...rows('convox:process:exec', 'step_up', [
    [42, 'GET /apps/{app}/processes/{pid}/files', 'process.files.read'],
    [42, 'POST /apps/{app}/processes/{pid}/files', 'process.files.write'],
    [42, 'DELETE /apps/{app}/processes/{pid}/files', 'process.files.delete'],
  ]),
  ...rows('convox:build:create', 'step_up', [
    [43, 'POST /apps/{app}/builds/{id}/image', 'build.image'],
  ]),
  ...rows('convox:resource:read', 'none', [
    [44, 'GET /apps/{app}/resources', 'resource.read'],
    [44, 'GET /apps/{app}/resources/{name}', 'resource.read'],
    [44, 'GET /resources', 'resource.read'],
    [44, 'OPTIONS /resources', 'resource.read'],
    [44, 'GET /resources/{name}', 'resource.read'],
  ]),
  // Data and console hand out the resource's contents and credentials.
  ...rows('convox:resource:data', 'always', [
    [45, 'GET /apps/{app}/resources/{name}/data', 'resource.data.read'],
    [45, 'PUT /apps/{app}/resources/{name}/data', 'resource.data.write'],
    [45, 'SOCKET /apps/{app}/resources/{name}/console', 'resource.console'],
  ]),
  ...rows('convox:resource:manage', 'step_up', [
    [46, 'POST /resources', 'resource.create'],
    [46, 'PUT /resources/{name}', 'resource.update'],
    [46, 'POST /resources/{name}/links', 'resource.link'],
    [46, 'DELETE /resources/{name}/links/{app}', 'resource.unlink'],
  ]),
  ...rows(
    'convox:resource:delete',
    'always',
    [[47, 'DELETE /resources/{name}', 'resource.delete']],
    true,
  ),
  ...rows('convox:certificate:read', 'none', [[48, 'GET /certificates', 'certificate.read']]),
  ...rows('convox:certificate:manage', 'step_up', [
    [49, 'POST /certificates', 'certificate.create'],
    [49, 'POST /certificates/generate', 'certificate.create'],
    [49, 'POST /certificates/{id}/renew', 'certificate.renew'],
  ]),
  ...rows(
    'convox:certificate:delete',
    'always',
    [[50, 'DELETE /certificates/{id}', 'certificate.delete']],
    true,
  ),
  ...rows('convox:registry:read', 'none', [[51, 'GET /registries', 'registry.read']]),
  ...rows('convox:registry:manage', 'step_up', [[52, 'POST /registries', 'registry.create']]),
  ...rows(
    'convox:registry:delete',
    'always',
    [[53, 'DELETE /registries/{server}', 'registry.delete']],
    true,
  ),
  ...rows('convox:instance:shell', 'always', [
    [54, 'SOCKET /instances/{id}/shell', 'instance.shell'],
  ]),
  ...rows('convox:instance:keyroll', 'always', [
    [55, 'POST /instances/keyroll', 'instance.keyroll'],
  ]),
  ...rows(
    'convox:instance:terminate',
    'always',
    [[56, 'DELETE /instances/{id}', 'instance.terminate']],
    true,
  ),
  ...rows('convox:rack:read', 'none', [[62, 'GET /letsencrypt/config', 'rack.read']]),
  ...rows('convox:rack:update', 'step_up', [
    [63, 'PUT /letsencrypt/config', 'rack.update'],
    [63, 'POST /events', 'rack.event'],
  ]),
  ...rows('convox:rack:jwt', 'always', [
    [57, 'POST /system/jwt/token', 'rack.jwt.token'],
    [57, 'POST /system/jwt/rotate', 'rack.jwt.rotate'],
  ]),
  ...rows(
    'convox:rack:cleanup',
    'always',
    [[58, 'POST /system/karpenter/cleanup', 'rack.karpenter.cleanup']],
    true,
  ),
  // A tunnel into the rack's network reaches every database and internal service.
  ...rows('convox:rack:proxy', 'always', [
    [59, 'SOCKET /proxy/{host}/{port}', 'rack.proxy'],
    ...PASS_THROUGH,
  ]),
];
