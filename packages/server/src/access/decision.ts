// Decisions are values (style.md §3): `{ allow: true }` or `{ allow: false, reason }` with a reason
// from one closed table. `denialError` is the ONE mapping from a reason to the HTTP status, the
// `X-Error-Reason` header, extra headers and the JSON body; the audit step reads the same table.
// Messages say what to do next in one line: the native convox CLI prints only the body
// (`ERROR: <body>`), so the way forward has to be in the text itself, not in a header.
import { GatewayError } from '../http/errors.js';
import { grants } from './permissions.js';
import { ROLES, USER_ROLES } from './roles.js';
import type { MfaLevel } from './route-types.js';

interface DenialSpec {
  readonly status: number;
  readonly message: string;
  /** Audited as `request.rejected` (host, origin, CSRF) instead of the route's own action. */
  readonly rejected?: true;
  /** No usable credential: the caller is nobody, so the route's own action is not audited. */
  readonly noCredential?: true;
}

export const DENIALS = {
  unauthenticated: {
    status: 401,
    message: 'Authentication required. Sign in again.',
    noCredential: true,
  },
  session_expired: {
    status: 401,
    message: 'Your session has expired. Sign in again.',
    noCredential: true,
  },
  session_signed_out: {
    status: 401,
    message: 'You signed out of this session. Sign in again to continue.',
    noCredential: true,
  },
  session_revoked: {
    status: 401,
    message:
      'This session was revoked (from a session list, or by an admin change to your account). Sign in again.',
    noCredential: true,
  },
  mfa_ambiguous: {
    status: 400,
    message: 'Send the MFA value either in a header or as a credential suffix, not both.',
  },
  user_session_required: {
    status: 403,
    message: 'This action needs a signed-in user session; API tokens cannot perform it.',
  },
  invalid_host: { status: 400, message: 'Unknown Host header.', rejected: true },
  invalid_origin: { status: 400, message: 'Cross-origin request refused.', rejected: true },
  origin_required: {
    status: 403,
    message: 'This request needs a same-origin Origin or Referer header.',
    rejected: true,
  },
  invalid_csrf_token: {
    status: 403,
    message: 'Missing or invalid CSRF token; reload the page and try again.',
    rejected: true,
  },
  mfa_enrollment_required: {
    status: 403,
    message:
      "This action needs multi-factor authentication, which your account has not set up: add a method in the gateway's web console under /app/account/security.",
  },
  mfa_challenge_required: {
    status: 401,
    message: 'Complete the multi-factor sign-in challenge to continue.',
  },
  permission_denied: {
    status: 403,
    message:
      "You don't have permission to perform this action; ask an admin for a role that has it.",
  },
  mfa_step_up_required: {
    status: 401,
    message:
      'This action needs a recent MFA step-up: run rack-gateway mfa, or add .totp.<code> to the rack password (rack-gateway rack-url --inline-mfa).',
  },
  mfa_required: {
    status: 401,
    message:
      'This action needs a fresh MFA code every time: add .totp.<code> to the rack password (rack-gateway rack-url --inline-mfa); a step-up does not cover it.',
  },
  mfa_verification_failed: {
    status: 401,
    message: 'The multi-factor code was not accepted; try a new one.',
  },
  mfa_too_many_attempts: {
    status: 429,
    message: 'Too many multi-factor attempts; wait before trying again.',
  },
  account_locked: { status: 403, message: 'account locked: ask an admin' },
  rate_limit_exceeded: { status: 429, message: 'Too many requests, please try again later.' },
  cookie_on_cli_route: {
    status: 401,
    message: 'browser session cookies are not permitted for CLI routes',
    rejected: true,
  },
  route_not_allowed: {
    status: 404,
    message:
      "Refused by rack-gateway, not the rack: this method and path are not in the gateway's rack route table, so no permission allows them.",
  },
  destructive_actions_disabled: {
    status: 403,
    message:
      'Refused by rack-gateway, not the rack: destructive rack actions are disabled by the allow_destructive_actions setting; an admin can change it.',
  },
  audit_unavailable: {
    status: 503,
    message:
      'The audit log cannot record this change right now; nothing was changed. Try again shortly.',
  },
} as const satisfies Record<string, DenialSpec>;

export type DenyReason = keyof typeof DENIALS;

export interface Deny {
  readonly allow: false;
  readonly reason: DenyReason;
  /** The permission the route requires (permission_denied). */
  readonly permission?: string;
  /** The MFA level the route requires (MFA denials). */
  readonly level?: MfaLevel;
  /** The caller's confirmed MFA method types (X-MFA-Methods). */
  readonly methods?: readonly string[];
  /** Extra response headers computed by the step (rate limits). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Why an MFA code was refused (mfa_verification_failed): `invalid_code`, `replay`, … */
  readonly codeFailure?: string;
}

/** A code the user already verified with (e.g. a stale `.totp.` suffix in RACK_URL). */
const REUSED_CODE_MESSAGE = 'this code was already used; get a fresh one';

export type Decision = { readonly allow: true } | Deny;

export const ALLOW: Decision = { allow: true };
export const deny = (reason: DenyReason, extra: Omit<Deny, 'allow' | 'reason'> = {}): Deny => ({
  allow: false,
  reason,
  ...extra,
});

const MFA_REQUIRED_HEADER: Partial<Record<DenyReason, string>> = {
  mfa_enrollment_required: 'enrollment',
  mfa_challenge_required: 'challenge',
  mfa_step_up_required: 'step-up',
  mfa_required: 'always',
};

function mfaHeaders(d: Deny): Record<string, string> {
  const headers: Record<string, string> = {};
  const required =
    d.reason === 'mfa_verification_failed'
      ? d.level === 'always'
        ? 'always'
        : 'step-up'
      : MFA_REQUIRED_HEADER[d.reason];
  if (required !== undefined) headers['x-mfa-required'] = required;
  if (d.reason === 'mfa_step_up_required' || d.reason === 'mfa_required') {
    headers['x-mfa-level'] = d.level ?? (d.reason === 'mfa_required' ? 'always' : 'step_up');
    headers['x-mfa-methods'] = (d.methods ?? []).join(',');
  }
  return headers;
}

/** The user roles that hold `permission`, lowest first (admin holds everything). */
export function rolesHolding(permission: string): string[] {
  return USER_ROLES.filter((role) => grants(ROLES[role].permissions, permission));
}

/** THE text of a permission refusal: the permission, the roles that hold it, who grants them. */
export function permissionDeniedMessage(permission: string): string {
  const roles = rolesHolding(permission).join(', ');
  return `You don't have permission to perform this action (requires ${permission}; roles that have it: ${roles}; an admin assigns roles).`;
}

function message(d: Deny): string {
  if (d.reason === 'permission_denied' && d.permission)
    return permissionDeniedMessage(d.permission);
  if (d.reason === 'mfa_verification_failed' && d.codeFailure === 'replay')
    return REUSED_CODE_MESSAGE;
  return DENIALS[d.reason].message;
}

/** THE mapping from a denial to the error response (status, headers, body). */
export function denialError(d: Deny): GatewayError {
  const headers: Record<string, string> = {
    'x-error-reason': d.reason,
    ...mfaHeaders(d),
    ...d.headers,
  };
  const extra: Record<string, unknown> = {};
  if (d.permission !== undefined) {
    headers['x-required-permission'] = d.permission;
    extra.permission = d.permission;
  }
  if (d.level !== undefined && d.reason.startsWith('mfa_')) extra.level = d.level;
  if (d.codeFailure !== undefined) extra.reason = d.codeFailure;
  return new GatewayError(DENIALS[d.reason].status, d.reason, {
    message: message(d),
    headers,
    extra,
    expose: true,
  });
}

/** Audit details of a denial (never secrets). */
export function denialDetails(d: Deny, method: string): Record<string, unknown> {
  if ('rejected' in DENIALS[d.reason]) return { method, reason: d.reason };
  return {
    reason: d.reason,
    ...(d.permission ? { permission: d.permission } : {}),
    ...(d.level && d.reason.startsWith('mfa_') ? { level: d.level } : {}),
  };
}

export const isRejection = (d: Deny): boolean => 'rejected' in DENIALS[d.reason];

/** The credential is missing, unknown or ended (expired, signed out, revoked). */
export const isNoCredential = (d: Deny): boolean => 'noCredential' in DENIALS[d.reason];
