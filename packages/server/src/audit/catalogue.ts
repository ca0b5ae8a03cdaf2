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
  'budget',
  'config',
  'resource',
  'certificate',
  'registry',
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

/**
 * `attempt`: a proxied mutation about to be forwarded, recorded durably first (audit.md §6); its
 * outcome follows as a second event of the same action whose `details.attempt_seq` names it. An
 * attempt nothing names is "outcome unknown" (the gateway stopped while the rack had the request).
 */
export const STATUSES = ['attempt', 'success', 'failed', 'denied', 'error', 'alert'] as const;
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
const AT = 'attempt';

const convox = (rt: ResourceType): ActionSpec => a('convox', rt, S, F, D, E);
/** Rack mutations (the route table's mutation rows) are recorded as an attempt first. */
const convoxMutation = (rt: ResourceType): ActionSpec => a('convox', rt, AT, S, F, D, E);

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
  'user.idp_binding_reset': a('users', 'user', S, D),
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
  'app.create': convoxMutation('app'),
  'app.update': convoxMutation('app'),
  'app.delete': convoxMutation('app'),
  'app.restart': convoxMutation('app'),
  'process.list': convox('process'),
  'process.read': convox('process'),
  'process.start': convoxMutation('process'),
  'process.terminate': convoxMutation('process'),
  'process.exec.open': a('convox', 'process', AT, S, D, E),
  'process.exec.close': a('convox', 'process', S, E),
  'log.read': convox('log'),
  'build.list': convox('build'),
  'build.read': convox('build'),
  'build.create': convoxMutation('build'),
  'build.import': convoxMutation('build'),
  'build.update': convoxMutation('build'),
  'release.list': convox('release'),
  'release.read': convox('release'),
  'release.create': convoxMutation('release'),
  'release.promote': convoxMutation('release'),
  'object.create': convoxMutation('object'),
  'instance.list': convox('instance'),
  'instance.read': convox('instance'),
  'rack.read': convox('rack'),
  'rack.update': convoxMutation('rack'),
  'proxy.route_denied': a('convox', 'http', D),
  'app.cancel': convoxMutation('app'),
  'budget.read': convox('budget'),
  'budget.update': convoxMutation('budget'),
  'budget.reset': convoxMutation('budget'),
  'config.read': convox('config'),
  'config.set': convoxMutation('config'),
  'process.files.read': convox('process'),
  'process.files.write': convoxMutation('process'),
  'process.files.delete': convoxMutation('process'),
  'build.image': convoxMutation('build'),
  'resource.read': convox('resource'),
  'resource.data.read': convox('resource'),
  'resource.data.write': convoxMutation('resource'),
  'resource.console': convox('resource'),
  'resource.create': convoxMutation('resource'),
  'resource.update': convoxMutation('resource'),
  'resource.link': convoxMutation('resource'),
  'resource.unlink': convoxMutation('resource'),
  'resource.delete': convoxMutation('resource'),
  'certificate.read': convox('certificate'),
  'certificate.create': convoxMutation('certificate'),
  'certificate.renew': convoxMutation('certificate'),
  'certificate.delete': convoxMutation('certificate'),
  'registry.read': convox('registry'),
  'registry.create': convoxMutation('registry'),
  'registry.delete': convoxMutation('registry'),
  'registry.proxy': convoxMutation('registry'),
  'instance.shell': convox('instance'),
  'instance.keyroll': convoxMutation('instance'),
  'instance.terminate': convoxMutation('instance'),
  'rack.event': convoxMutation('rack'),
  'rack.jwt.token': convoxMutation('rack'),
  'rack.jwt.rotate': convoxMutation('rack'),
  'rack.karpenter.cleanup': convoxMutation('rack'),
  'rack.proxy': convoxMutation('rack'),

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

/**
 * Details shape of every action (audit.md §8): the fields producers may put in `details`; a
 * trailing `?` marks an optional field. Every action must have an entry (mapped type), so a new
 * action does not compile without its shape.
 */
export type DetailsShape = readonly string[];

const PROXY_DETAILS = [
  'method',
  'path',
  'query?',
  'app?',
  'service?',
  'release?',
  'approval?',
  'reason?',
  'attempt_seq?',
];
const EXEC_OPEN = ['app', 'command', 'tty', 'width', 'height', 'reason?', 'attempt_seq?'];
const EXEC_CLOSE = [
  'duration_ms',
  'exit_code',
  'bytes_in',
  'bytes_out',
  'captured_bytes',
  'truncated',
  'capture_sha256',
  'close_reason',
];
const SETTING = ['group', 'key', 'app?', 'old', 'new', 'old_source'];
const ENV_KEY = ['app', 'key', 'old', 'new', 'release_id', 'reason?'];
const JOB = ['kind', 'queue', 'state_before', 'attempt'];
const LOCK = ['reason?', 'sessions_revoked?'];

export const AUDIT_DETAILS: { readonly [A in AuditAction]: DetailsShape } = {
  'login.start': ['channel', 'return_to?', 'device_name?'],
  'login.approve': ['device_name', 'device_os', 'client_version', 'mfa_method'],
  'login.complete': ['channel', 'session_id', 'mfa', 'device_name?'],
  'login.failed': ['channel', 'reason'],
  logout: ['channel'],
  'session.revoke': ['target_email', 'channel'],
  'session.revoke_all': ['revoked_count', 'keep_current'],
  'token.invalid': ['reason', 'token_id?'],
  'socket.terminate': ['kind', 'reason'],
  'mfa.verify': [
    'method_type',
    'purpose',
    'trusted_device_created',
    'remaining_backup_codes?',
    'reason?',
  ],
  'mfa.lockout': ['failed_attempts', 'window_minutes', 'sessions_revoked'],
  'mfa_method.enroll': ['method_type', 'label', 'reason?'],
  'mfa_method.update': ['changes'],
  'mfa_method.delete': ['method_type', 'label', 'remaining_methods', 'trusted_devices_revoked'],
  'mfa.backup_codes.regenerate': ['count'],
  'mfa.preferred_method.update': ['old', 'new'],
  'trusted_device.create': ['label', 'expires_at'],
  'trusted_device.revoke': ['reason'],
  'user.create': ['email', 'name', 'roles'],
  'user.update': ['changes', 'sessions_revoked?'],
  'user.roles.update': ['old', 'new', 'sessions_revoked'],
  'user.delete': ['email', 'roles', 'tokens_deleted'],
  'user.lock': LOCK,
  'user.unlock': LOCK,
  'user.mfa_reset': ['methods_removed', 'sessions_revoked'],
  'user.idp_binding_reset': ['previous_issuer', 'previous_subject', 'sessions_revoked'],
  'user.seed': ['role', 'created', 'role_restored'],
  'api_token.create': ['name', 'owner_email', 'permissions', 'expires_at'],
  'api_token.update': ['changes'],
  'api_token.delete': ['name', 'owner_email'],
  'setting.update': SETTING,
  'setting.clear': ['group', 'key', 'app?', 'old', 'reverted_to'],
  'rack_tls.refresh': ['old_fingerprint', 'new_fingerprint'],
  'integration.slack.connect': ['workspace_name', 'method', 'scopes'],
  'integration.slack.disconnect': [],
  'integration.slack.channels.update': ['routes'],
  'integration.slack.alerts.update': ['deploy_approval_alerts_enabled', 'channel_id'],
  'integration.slack.test': ['result', 'slack_error?'],
  'job.retry': JOB,
  'job.cancel': JOB,
  'deploy_approval.create': [
    'app',
    'git_commit_hash',
    'git_branch',
    'pr_url',
    'message',
    'target_api_token_id',
    'target_api_token_name',
    'ci',
  ],
  'deploy_approval.approve': ['notes', 'expires_at'],
  'deploy_approval.reject': ['notes', 'status_before'],
  'deploy_approval.extend': ['old_expires_at', 'new_expires_at'],
  'deploy_approval.expire': ['status_before'],
  'deploy_approval.bind': ['field', 'value'],
  'deploy_approval.deployed': ['release_id'],
  'app.list': PROXY_DETAILS,
  'app.read': PROXY_DETAILS,
  'app.create': PROXY_DETAILS,
  'app.update': PROXY_DETAILS,
  'app.delete': PROXY_DETAILS,
  'app.restart': PROXY_DETAILS,
  'process.list': PROXY_DETAILS,
  'process.read': PROXY_DETAILS,
  'process.start': PROXY_DETAILS,
  'process.terminate': PROXY_DETAILS,
  'process.exec.open': EXEC_OPEN,
  'process.exec.close': EXEC_CLOSE,
  'log.read': PROXY_DETAILS,
  'build.list': PROXY_DETAILS,
  'build.read': PROXY_DETAILS,
  'build.create': PROXY_DETAILS,
  'build.import': PROXY_DETAILS,
  'build.update': PROXY_DETAILS,
  'release.list': PROXY_DETAILS,
  'release.read': PROXY_DETAILS,
  'release.create': PROXY_DETAILS,
  'release.promote': PROXY_DETAILS,
  'object.create': PROXY_DETAILS,
  'instance.list': PROXY_DETAILS,
  'instance.read': PROXY_DETAILS,
  'rack.read': PROXY_DETAILS,
  'rack.update': [...PROXY_DETAILS, 'changes?'],
  'proxy.route_denied': ['method', 'path', 'reason?'],
  'app.cancel': PROXY_DETAILS,
  'budget.read': PROXY_DETAILS,
  'budget.update': PROXY_DETAILS,
  'budget.reset': PROXY_DETAILS,
  'config.read': PROXY_DETAILS,
  'config.set': PROXY_DETAILS,
  'process.files.read': PROXY_DETAILS,
  'process.files.write': PROXY_DETAILS,
  'process.files.delete': PROXY_DETAILS,
  'build.image': PROXY_DETAILS,
  'resource.read': PROXY_DETAILS,
  'resource.data.read': PROXY_DETAILS,
  'resource.data.write': PROXY_DETAILS,
  'resource.console': PROXY_DETAILS,
  'resource.create': PROXY_DETAILS,
  'resource.update': PROXY_DETAILS,
  'resource.link': PROXY_DETAILS,
  'resource.unlink': PROXY_DETAILS,
  'resource.delete': PROXY_DETAILS,
  'certificate.read': PROXY_DETAILS,
  'certificate.create': PROXY_DETAILS,
  'certificate.renew': PROXY_DETAILS,
  'certificate.delete': PROXY_DETAILS,
  'registry.read': PROXY_DETAILS,
  'registry.create': PROXY_DETAILS,
  'registry.delete': PROXY_DETAILS,
  'registry.proxy': PROXY_DETAILS,
  'instance.shell': PROXY_DETAILS,
  'instance.keyroll': PROXY_DETAILS,
  'instance.terminate': PROXY_DETAILS,
  'rack.event': PROXY_DETAILS,
  'rack.jwt.token': PROXY_DETAILS,
  'rack.jwt.rotate': PROXY_DETAILS,
  'rack.karpenter.cleanup': PROXY_DETAILS,
  'rack.proxy': PROXY_DETAILS,
  'env.set': ENV_KEY,
  'env.unset': ENV_KEY,
  'secret.set': ENV_KEY,
  'secret.unset': ENV_KEY,
  'env.update': ['changes'],
  'env.read': ['app', 'masked_keys', 'reason?'],
  'secret.read': ['app', 'key?', 'reason?'],
  'rate_limit.exceeded': ['limiter', 'limit', 'burst', 'suppressed_count'],
  'request.rejected': ['method', 'reason'],
  'audit.chain.create': ['genesis_hash'],
  'audit.key.rotate': ['previous_key_id', 'new_key_id'],
  'audit.anchor.write': ['seq', 'event_hash', 'bucket', 'trigger', 'retain_until', 'error?'],
  'audit.verify': ['from_seq', 'to_seq', 'result', 'first_break_seq?', 'trigger'],
  'audit.export': ['format', 'view', 'filters'],
  'terminal_session.view': [],
  'system.start': ['version', 'replica_id', 'head_seq'],
};

/** Fields any event may carry: the refusal reason of a denial, the truncation marker. */
const COMMON_DETAILS = new Set(['reason', '_truncated']);

/** Detail fields of `details` that the catalogue does not define for `action` (for tests/logs). */
export function unknownDetailKeys(
  action: AuditAction,
  details: Readonly<Record<string, unknown>>,
): string[] {
  const known = new Set(AUDIT_DETAILS[action].map((f) => f.replace(/\?$/, '')));
  return Object.keys(details).filter((k) => !known.has(k) && !COMMON_DETAILS.has(k));
}
