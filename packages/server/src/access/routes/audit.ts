// Audit log and terminal-session routes (access-control.md §9.6). Humans read their own events
// through the self permission; everything else is admin-only by default. Listing is not audited;
// exports, verification runs and frame replays are. `GET …/verify/:id` (status of a verification
// run) is our addition: without a job queue the run's id is what POST …/verify returns.
import type { AuditAction } from '../../audit/catalogue.js';
import type { Permission } from '../permissions.js';
import type { GatewayRoute } from '../route-types.js';

type Row = GatewayRoute<Permission, AuditAction>;
const V1 = '/api/v1';

const read = (path: string, permission: Permission, audit: AuditAction | null = null): Row => ({
  method: 'GET',
  path: `${V1}${path}`,
  permission,
  mfa: 'none',
  audit,
});

export const AUDIT_ROUTES: readonly Row[] = [
  { ...read('/audit-logs', 'gateway:audit:read'), selfPermission: 'auth:audit:read' },
  { ...read('/audit-logs/stats', 'gateway:audit:read'), selfPermission: 'auth:audit:read' },
  read('/audit-logs/events/:seq', 'gateway:audit:read'),
  read('/audit-logs/chain-status', 'gateway:audit:read'),
  read('/audit-logs/export', 'gateway:audit:export', 'audit.export'),
  {
    method: 'POST',
    path: `${V1}/audit-logs/verify`,
    permission: 'gateway:audit:verify',
    mfa: 'none',
    audit: 'audit.verify',
  },
  read('/audit-logs/verify/:id', 'gateway:audit:verify'),
  read('/terminal-sessions/:id', 'gateway:terminal_session:read'),
  {
    ...read(
      '/terminal-sessions/:id/frames',
      'gateway:terminal_session:read',
      'terminal_session.view',
    ),
    mfa: 'step_up',
  },
];
