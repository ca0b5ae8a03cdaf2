// The permission catalogue and THE matcher (access-control.md §4-5). Permissions are
// `<scope>:<resource>:<action>`; `*` may replace a whole segment in role definitions and token
// lists, never in route declarations. One matcher serves roles, token lists and validation.

export const CATALOGUE = {
  convox: {
    app: ['list', 'read', 'restart', 'create', 'delete', 'update'],
    process: ['list', 'read', 'start', 'exec', 'terminate'],
    instance: ['list', 'read', 'shell', 'keyroll', 'terminate'],
    rack: ['read', 'update', 'jwt', 'cleanup', 'proxy'],
    budget: ['read', 'update', 'reset'],
    config: ['read', 'set'],
    resource: ['read', 'data', 'manage', 'delete'],
    certificate: ['read', 'manage', 'delete'],
    registry: ['read', 'manage', 'delete'],
    log: ['read'],
    build: ['list', 'read', 'create', 'update'],
    release: ['list', 'create', 'read', 'promote'],
    env: ['read', 'set'],
    object: ['create'],
    secret: ['read', 'set'],
    deploy: ['deploy_with_approval'],
  },
  gateway: {
    role: ['read'],
    setting: ['read', 'update'],
    deploy_approval_request: ['create', 'read', 'approve'],
    api_token: ['create', 'read', 'update', 'delete'],
    user: [
      'read',
      'create',
      'update',
      'update_name',
      'delete',
      'lock',
      'reset_mfa',
      'reset_idp_binding',
    ],
    session: ['list', 'revoke'],
    audit: ['read', 'export', 'verify'],
    terminal_session: ['read'],
    integration: ['read', 'manage'],
    job: ['read', 'update'],
  },
  auth: {
    profile: ['read', 'update'],
    session: ['list', 'revoke'],
    audit: ['read'],
    cli_login: ['approve'],
    mfa_method: ['read', 'create', 'update', 'delete'],
    mfa_verification: ['create'],
    mfa_preferences: ['update'],
    mfa_backup_codes: ['generate'],
    trusted_device: ['create', 'delete'],
    api_token: ['read', 'update', 'delete'],
  },
} as const;

type Catalogue = typeof CATALOGUE;
type Scope = keyof Catalogue;
type PermissionOf<S extends Scope> = {
  [R in keyof Catalogue[S] &
    string]: `${S}:${R}:${Catalogue[S][R] extends readonly (infer A)[] ? A & string : never}`;
}[keyof Catalogue[S] & string];

/** A concrete catalogue permission (what routes declare). */
export type Permission = PermissionOf<'convox'> | PermissionOf<'gateway'> | PermissionOf<'auth'>;
/** A permission pattern as held by roles and tokens (segments may be `*`). */
export type PermissionPattern = string;

export const ALL_PERMISSIONS: readonly Permission[] = Object.entries(CATALOGUE).flatMap(
  ([scope, resources]) =>
    Object.entries(resources).flatMap(([resource, actions]) =>
      (actions as readonly string[]).map(
        (action) => `${scope}:${resource}:${action}` as Permission,
      ),
    ),
);

const SEGMENT = /^([a-z_]+|\*)$/;

function segments(p: string): [string, string, string] | null {
  const parts = p.split(':');
  if (parts.length !== 3 || !parts.every((s) => SEGMENT.test(s))) return null;
  return parts as [string, string, string];
}

/** Pattern `pattern` grants concrete permission `permission`. */
export function matches(pattern: PermissionPattern, permission: string): boolean {
  const x = segments(pattern);
  const p = segments(permission);
  if (x === null || p === null) return false;
  return x.every((seg, i) => seg === '*' || seg === p[i]);
}

/** Held pattern `held` covers requested pattern `requested` (a requested `*` needs a held `*`). */
export function covers(held: PermissionPattern, requested: PermissionPattern): boolean {
  const h = segments(held);
  const r = segments(requested);
  if (h === null || r === null) return false;
  return h.every((seg, i) => seg === '*' || seg === r[i]);
}

/** Well-formed and every non-`*` segment names a catalogue entry (scope, resource, action). */
export function isValidPattern(pattern: string): boolean {
  const s = segments(pattern);
  if (s === null) return false;
  const [scope, resource, action] = s;
  if (scope === '*')
    return resource === '*' ? action === '*' || anyAction(action) : anyResource(resource, action);
  const resources = CATALOGUE[scope as Scope] as Record<string, readonly string[]> | undefined;
  if (resources === undefined) return false;
  if (resource === '*')
    return action === '*' || Object.values(resources).some((a) => a.includes(action));
  const actions = resources[resource];
  return actions !== undefined && (action === '*' || actions.includes(action));
}

function anyResource(resource: string, action: string): boolean {
  return ALL_PERMISSIONS.some((p) => {
    const [, r, a] = p.split(':');
    return r === resource && (action === '*' || a === action);
  });
}

function anyAction(action: string): boolean {
  return ALL_PERMISSIONS.some((p) => p.endsWith(`:${action}`));
}

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}

/** `held` (any pattern list) grants `permission`. */
export function grants(held: readonly PermissionPattern[], permission: string): boolean {
  return held.some((h) => matches(h, permission));
}
