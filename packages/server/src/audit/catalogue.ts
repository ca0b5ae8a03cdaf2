// The audit event catalogue (audit.md §7-8): every action the gateway may record, with its
// category, resource type and possible statuses. A shipped action is never renamed or reused.

export const ACTION_TYPES = [
  'auth',
  'mfa',
  'users',
  'sessions',
  'tokens',
  'settings',
  'integrations',
  'approvals',
  'convox',
  'security',
  'audit',
  'jobs',
  'system',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const RESOURCE_TYPES = [
  'auth',
  'session',
  'mfa_method',
  'backup_codes',
  'trusted_device',
  'user',
  'api_token',
  'setting',
  'app_setting',
  'integration',
  'deploy_approval',
  'app',
  'build',
  'release',
  'object',
  'process',
  'instance',
  'rack',
  'env',
  'secret',
  'log',
  'http',
  'audit_chain',
  'anchor',
  'audit_export',
  'job',
  'terminal_session',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const STATUSES = ['success', 'failed', 'denied', 'error', 'alert'] as const;
export type AuditStatus = (typeof STATUSES)[number];

export interface ActionSpec {
  readonly type: ActionType;
  /** Resource type; `null` when it depends on the event (e.g. setting vs app_setting). */
  readonly resourceType: ResourceType | null;
  readonly statuses: readonly AuditStatus[];
}

const a = (
  type: ActionType,
  resourceType: ResourceType | null,
  ...statuses: AuditStatus[]
): ActionSpec => ({
  type,
  resourceType,
  statuses,
});

const S = 'success';
const F = 'failed';
const D = 'denied';
const E = 'error';
const AL = 'alert';

const convox = (rt: ResourceType): ActionSpec => a('convox', rt, S, F, D, E);

export const AUDIT_ACTIONS = {
  'login.start': a('auth', 'auth', S, E),
  'login.approve': a('auth', 'auth', S),
  'login.complete': a('auth', 'auth', S),
  'login.failed': a('auth', 'auth', F, D),
  logout: a('auth', 'session', S),
  'session.revoke': a('sessions', 'session', S, F, D),
  'session.revoke_all': a('sessions', 'user', S, D),
  'token.invalid': a('auth', 'api_token', F),
  'socket.terminate': a('security', 'http', S),

  'mfa.verify': a('mfa', 'mfa_method', S, F, D),
  'mfa.lockout': a('security', 'user', AL),
  'mfa_method.enroll': a('mfa', 'mfa_method', S, F),
  'mfa_method.update': a('mfa', 'mfa_method', S),
  'mfa_method.delete': a('mfa', 'mfa_method', S),
  'mfa.backup_codes.regenerate': a('mfa', 'backup_codes', S),
  'mfa.preferred_method.update': a('mfa', 'user', S),
  'trusted_device.create': a('mfa', 'trusted_device', S),
  'trusted_device.revoke': a('mfa', 'trusted_device', S),

  'user.create': a('users', 'user', S, F, D),
  'user.update': a('users', 'user', S, F, D),
  'user.roles.update': a('users', 'user', S, D),
  'user.delete': a('users', 'user', S, D),
  'user.lock': a('users', 'user', S, D),
  'user.unlock': a('users', 'user', S, D),
  'user.mfa_reset': a('users', 'user', S, D),
  'user.seed': a('users', 'user', S),
  'api_token.create': a('tokens', 'api_token', S, F, D),
  'api_token.update': a('tokens', 'api_token', S, D),
  'api_token.delete': a('tokens', 'api_token', S, D),
  'setting.update': a('settings', null, S, F, D),
  'setting.clear': a('settings', null, S, D),
  'rack_tls.refresh': a('settings', 'rack', S, E),
  'integration.slack.connect': a('integrations', 'integration', S, F),
  'integration.slack.disconnect': a('integrations', 'integration', S),
  'integration.slack.channels.update': a('integrations', 'integration', S, F),
  'integration.slack.alerts.update': a('integrations', 'integration', S),
  'integration.slack.test': a('integrations', 'integration', S, F),
  'job.retry': a('jobs', 'job', S, F),
  'job.cancel': a('jobs', 'job', S, F),

  'deploy_approval.create': a('approvals', 'deploy_approval', S, F, D),
  'deploy_approval.approve': a('approvals', 'deploy_approval', S, D),
  'deploy_approval.reject': a('approvals', 'deploy_approval', S, D),
  'deploy_approval.extend': a('approvals', 'deploy_approval', S, D),
  'deploy_approval.expire': a('approvals', 'deploy_approval', S),
  'deploy_approval.bind': a('approvals', 'deploy_approval', S),
  'deploy_approval.deployed': a('approvals', 'deploy_approval', S),

  'app.list': convox('app'),
  'app.read': convox('app'),
  'app.create': convox('app'),
  'app.update': convox('app'),
  'app.delete': convox('app'),
  'app.restart': convox('app'),
  'process.list': convox('process'),
  'process.read': convox('process'),
  'process.start': convox('process'),
  'process.terminate': convox('process'),
  'process.exec.open': a('convox', 'process', S, D, E),
  'process.exec.close': a('convox', 'process', S, E),
  'log.read': convox('log'),
  'build.list': convox('build'),
  'build.read': convox('build'),
  'build.create': convox('build'),
  'build.import': convox('build'),
  'build.update': convox('build'),
  'release.list': convox('release'),
  'release.read': convox('release'),
  'release.create': convox('release'),
  'release.promote': convox('release'),
  'object.create': convox('object'),
  'instance.list': convox('instance'),
  'instance.read': convox('instance'),
  'rack.read': convox('rack'),
  'rack.update': convox('rack'),
  'proxy.route_denied': a('convox', 'http', D),

  'env.set': a('convox', 'env', S, D),
  'env.unset': a('convox', 'env', S, D),
  'secret.set': a('convox', 'secret', S, D),
  'secret.unset': a('convox', 'secret', S, D),
  'env.update': a('convox', 'env', S),
  'env.read': a('convox', 'env', S, D),
  'secret.read': a('convox', 'secret', S, D),

  'rate_limit.exceeded': a('security', 'http', D),
  'request.rejected': a('security', 'http', D),
  'audit.chain.create': a('audit', 'audit_chain', S),
  'audit.key.rotate': a('audit', 'audit_chain', S),
  'audit.anchor.write': a('audit', 'anchor', S, E, AL),
  'audit.verify': a('audit', 'audit_chain', S, AL),
  'audit.export': a('audit', 'audit_export', S, E),
  'terminal_session.view': a('audit', 'terminal_session', S, D),
  'system.start': a('system', 'rack', S),
} as const satisfies Record<string, ActionSpec>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}
