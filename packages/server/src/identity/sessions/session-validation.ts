// Session validation at every request (identity.md §6): hash lookup → not revoked → not expired
// (idle or absolute, with the current settings; else revoked `expired_idle`/`expired_absolute`)
// → user active (else revoked `user_locked`/`user_suspended`). Sliding refresh at most once a
// minute per session. A credential whose user is locked answers `account_locked` rather than
// `session_expired`, also after the lock revoked it, so every client can say why (issue 10 §9);
// a session ended by logout or by a revocation says so instead of "expired" (issue 19 §7).
// A validated session is remembered for a few seconds (credential-cache.ts): the record and its
// user, not the MFA enrolment; deadlines are worked out at each request, and the database decides
// whenever the session would end or `last_seen_at` is due, so idle timeouts behave as before.
import type { MfaState } from '../../access/principal.js';
import type { Database } from '../../db/database.js';
import type { SettingValues } from '../../settings/catalogue.js';
import type { CachePartition } from '../credential-cache.js';
import { effectiveMfaState, isPendingMfa, type MfaMethods, mfaRequired } from '../mfa-hooks.js';
import { sha256Hex } from '../secrets.js';
import { findUserById, type UserRecord } from '../users/user-store.js';
import {
  findSessionByToken,
  type RevocationReason,
  revokeSession,
  type SessionRecord,
  touchSession,
} from './session-store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PENDING_MFA_LIMIT = 10 * MINUTE;
const REFRESH_EVERY = MINUTE;

export interface Deadlines {
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly idleTimeoutSeconds: number;
}

export function sessionDeadlines(
  session: Pick<SessionRecord, 'channel' | 'createdAt' | 'lastSeenAt'>,
  mfaState: MfaState,
  settings: SettingValues,
): Deadlines {
  let idle: number;
  let absolute: number;
  if (session.channel === 'cli') {
    idle = settings.cli_session_idle_days * DAY;
    absolute = settings.cli_session_absolute_days * DAY;
  } else if (isPendingMfa(mfaState)) {
    idle = PENDING_MFA_LIMIT;
    absolute = PENDING_MFA_LIMIT;
  } else {
    idle = settings.session_idle_timeout_minutes * MINUTE;
    absolute = settings.session_absolute_lifetime_hours * HOUR;
  }
  return {
    idleExpiresAt: new Date(session.lastSeenAt.getTime() + idle),
    absoluteExpiresAt: new Date(session.createdAt.getTime() + absolute),
    idleTimeoutSeconds: idle / 1000,
  };
}

export type SessionValidation =
  | {
      readonly ok: true;
      readonly session: SessionRecord;
      readonly user: UserRecord;
      readonly mfaState: MfaState;
      readonly deadlines: Deadlines;
      readonly mfaRequired: boolean;
      readonly mfaEnrolled: boolean;
    }
  | {
      readonly ok: false;
      readonly error: 'unauthenticated' | SessionRefusal;
    };

export interface ValidationDeps {
  readonly db: Database;
  readonly mfa: MfaMethods;
  readonly settings: () => Promise<SettingValues>;
  /** Sessions validated in the last few seconds (credential-cache.ts). */
  readonly sessions: CachePartition<CachedSession>;
}

function expiryReason(d: Deadlines, now: Date): RevocationReason | null {
  if (now >= d.absoluteExpiresAt) return 'expired_absolute';
  if (now >= d.idleExpiresAt) return 'expired_idle';
  return null;
}

function inactiveReason(user: UserRecord | null): RevocationReason | null {
  if (user === null) return 'user_deleted';
  if (user.lockedAt !== null) return 'user_locked';
  if (user.suspendedAt !== null) return 'user_suspended';
  return null;
}

export type SessionRefusal =
  | 'account_locked'
  | 'session_expired'
  | 'session_signed_out'
  | 'session_revoked';

/**
 * What the holder of a revoked session is told, by revocation reason. A lock is told as
 * `account_locked` while it lasts (see `refusal`); after an unlock, and for a deleted or suspended
 * user or a replaced (`rotated`) token, the session has simply ended.
 */
const TOLD: Readonly<Record<RevocationReason, SessionRefusal>> = {
  logout: 'session_signed_out',
  user_revoked: 'session_revoked',
  admin_revoked: 'session_revoked',
  role_changed: 'session_revoked',
  email_changed: 'session_revoked',
  mfa_reset: 'session_revoked',
  idp_binding_reset: 'session_revoked',
  user_locked: 'session_expired',
  user_suspended: 'session_expired',
  user_deleted: 'session_expired',
  rotated: 'session_expired',
  expired_idle: 'session_expired',
  expired_absolute: 'session_expired',
};

/** What a refused session is told: a locked user learns that, not that the session expired. */
function refusal(user: UserRecord | null, reason: string | null): SessionRefusal {
  if (user !== null && user.lockedAt !== null) return 'account_locked';
  return Object.hasOwn(TOLD, reason ?? '') ? TOLD[reason as RevocationReason] : 'session_expired';
}

/** What a validated session is remembered by (credential-cache.ts); MFA enrolment is not kept. */
export interface CachedSession {
  readonly session: SessionRecord;
  readonly user: UserRecord;
}

/** The MFA state of a session now; enrolment is read at every request, never cached. */
async function mfaOf(
  deps: ValidationDeps,
  settings: SettingValues,
  session: SessionRecord,
  user: UserRecord | null,
) {
  const required = mfaRequired(settings.mfa_require_all_users, user?.mfaEnforcedAt ?? null);
  const enrolled = (await deps.mfa.confirmedMethods(session.userId)).length > 0;
  return { required, enrolled, mfaState: effectiveMfaState(session.mfaState, required, enrolled) };
}

/**
 * A remembered session, with the deadlines and MFA state worked out now; null when the database
 * must decide instead — the session would have expired, or `last_seen_at` is due for its refresh.
 */
async function fromCache(
  deps: ValidationDeps,
  cached: CachedSession,
  now: Date,
): Promise<SessionValidation | null> {
  if (now.getTime() - cached.session.lastSeenAt.getTime() >= REFRESH_EVERY) return null;
  const settings = await deps.settings();
  const { required, enrolled, mfaState } = await mfaOf(deps, settings, cached.session, cached.user);
  const deadlines = sessionDeadlines(cached.session, mfaState, settings);
  if (expiryReason(deadlines, now) !== null) return null;
  return { ok: true, ...cached, mfaState, deadlines, mfaRequired: required, mfaEnrolled: enrolled };
}

async function validateStored(
  deps: ValidationDeps,
  session: SessionRecord,
  context: { ip: string; now: Date },
): Promise<SessionValidation> {
  const user = await findUserById(deps.db, session.userId);
  if (session.revokedAt !== null) return { ok: false, error: refusal(user, session.revokedReason) };
  const settings = await deps.settings();
  const { required, enrolled, mfaState } = await mfaOf(deps, settings, session, user);
  const deadlines = sessionDeadlines(session, mfaState, settings);
  const reason = expiryReason(deadlines, context.now) ?? inactiveReason(user);
  if (reason !== null || user === null) {
    const r = reason ?? 'user_deleted';
    await deps.db.transaction((tx) =>
      revokeSession(tx, session.id, { reason: r, byUserId: null, now: context.now }),
    );
    return { ok: false, error: refusal(user, r) };
  }
  let current = session;
  if (context.now.getTime() - session.lastSeenAt.getTime() >= REFRESH_EVERY) {
    await touchSession(deps.db, session.id, context.now, context.ip);
    current = { ...session, lastSeenAt: context.now, lastIp: context.ip };
  }
  return {
    ok: true,
    session: current,
    user,
    mfaState,
    deadlines: sessionDeadlines(current, mfaState, settings),
    mfaRequired: required,
    mfaEnrolled: enrolled,
  };
}

export async function validateSession(
  deps: ValidationDeps,
  token: string,
  context: { ip: string; now: Date },
): Promise<SessionValidation> {
  const key = sha256Hex(token);
  const cached = deps.sessions.get(key);
  const hit = cached === undefined ? null : await fromCache(deps, cached, context.now);
  if (hit !== null) return hit;
  const ticket = deps.sessions.ticket();
  const session = await findSessionByToken(deps.db, token);
  if (session === null) return { ok: false, error: 'unauthenticated' };
  const v = await validateStored(deps, session, context);
  if (v.ok) {
    const tags = [`session:${v.session.uid}`, `user:${v.user.uid}`];
    deps.sessions.set(key, tags, { session: v.session, user: v.user }, ticket);
  }
  return v;
}
