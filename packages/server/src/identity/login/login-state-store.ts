// Storage of login states (identity.md §3-4): single use, 10 minutes, only hashes of the state,
// the binding value and the login code are stored. Every transition is one conditional UPDATE,
// so two concurrent callbacks or completions cannot both succeed.
import { randomUUID } from 'node:crypto';
import type { SqlRunner } from '../../db/database.js';

export type LoginKind = 'web' | 'cli';
export type LoginStatus = 'pending' | 'authenticated' | 'approved' | 'denied' | 'failed';
export const LOGIN_STATE_TTL_MS = 10 * 60_000;

export interface LoginState {
  readonly id: number;
  readonly uid: string;
  readonly kind: LoginKind;
  readonly stateHash: string;
  readonly status: LoginStatus;
  readonly failureReason: string | null;
  readonly userId: number | null;
  readonly nonce: string | null;
  readonly idpCodeVerifier: string | null;
  readonly returnTo: string | null;
  readonly mode: 'loopback' | 'poll' | null;
  readonly codeChallenge: string | null;
  readonly redirectUri: string | null;
  readonly confirmationCode: string | null;
  readonly deviceId: string | null;
  readonly deviceName: string | null;
  readonly deviceOs: string | null;
  readonly clientVersion: string | null;
  readonly ip: string;
  readonly userAgent: string;
  readonly verifierFailures: number;
  readonly loginCodeHash: string | null;
  readonly approvedAt: Date | null;
  readonly mfaVerifiedAt: Date | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly consumedAt: Date | null;
}

type Row = Record<string, unknown>;
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const d = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string);

function toState(r: Row): LoginState {
  return {
    id: Number(r.id),
    uid: String(r.uid),
    kind: r.kind as LoginKind,
    stateHash: String(r.state_hash),
    status: r.status as LoginStatus,
    failureReason: s(r.failure_reason),
    userId: r.user_id === null ? null : Number(r.user_id),
    nonce: s(r.nonce),
    idpCodeVerifier: s(r.idp_code_verifier),
    returnTo: s(r.return_to),
    mode: s(r.mode) as LoginState['mode'],
    codeChallenge: s(r.code_challenge),
    redirectUri: s(r.redirect_uri),
    confirmationCode: s(r.confirmation_code),
    deviceId: s(r.device_id),
    deviceName: s(r.device_name),
    deviceOs: s(r.device_os),
    clientVersion: s(r.client_version),
    ip: String(r.ip),
    userAgent: String(r.user_agent),
    verifierFailures: Number(r.verifier_failures),
    loginCodeHash: s(r.login_code_hash),
    approvedAt: d(r.approved_at),
    mfaVerifiedAt: d(r.mfa_verified_at),
    createdAt: new Date(r.created_at as string),
    expiresAt: new Date(r.expires_at as string),
    consumedAt: d(r.consumed_at),
  };
}

const one = (rows: Row[]): LoginState | null => (rows[0] ? toState(rows[0]) : null);

export interface NewLoginState {
  readonly kind: LoginKind;
  readonly stateHash: string;
  readonly ip: string;
  readonly userAgent: string;
  readonly now: Date;
  /** Web: the IdP leg starts at once. */
  readonly idp?: { stateHash: string; bindingHash: string; nonce: string; codeVerifier: string };
  readonly returnTo?: string;
  readonly cli?: {
    mode: 'loopback' | 'poll';
    codeChallenge: string;
    redirectUri: string | null;
    confirmationCode: string;
    deviceId: string;
    deviceName: string;
    deviceOs: string;
    clientVersion: string;
  };
}

export async function insertLoginState(db: SqlRunner, n: NewLoginState): Promise<LoginState> {
  const rows = await db.query(
    `INSERT INTO login_states (uid, kind, state_hash, idp_state_hash, binding_hash, nonce,
       idp_code_verifier, return_to, mode, code_challenge, redirect_uri, confirmation_code,
       device_id, device_name, device_os, client_version, ip, user_agent, created_at, expires_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20) RETURNING *`,
    [
      randomUUID(),
      n.kind,
      n.stateHash,
      n.idp?.stateHash ?? null,
      n.idp?.bindingHash ?? null,
      n.idp?.nonce ?? null,
      n.idp?.codeVerifier ?? null,
      n.returnTo ?? null,
      n.cli?.mode ?? null,
      n.cli?.codeChallenge ?? null,
      n.cli?.redirectUri ?? null,
      n.cli?.confirmationCode ?? null,
      n.cli?.deviceId ?? null,
      n.cli?.deviceName ?? null,
      n.cli?.deviceOs ?? null,
      n.cli?.clientVersion ?? null,
      n.ip,
      n.userAgent.slice(0, 512),
      n.now,
      new Date(n.now.getTime() + LOGIN_STATE_TTL_MS),
    ],
  );
  return toState(rows[0] as Row);
}

export async function findByState(db: SqlRunner, kind: LoginKind, stateHash: string) {
  return one(
    await db.query('SELECT * FROM login_states WHERE state_hash = $1 AND kind = $2', [
      stateHash,
      kind,
    ]),
  );
}

export async function findByIdpState(db: SqlRunner, kind: LoginKind, idpStateHash: string) {
  return one(
    await db.query('SELECT * FROM login_states WHERE idp_state_hash = $1 AND kind = $2', [
      idpStateHash,
      kind,
    ]),
  );
}

/** CLI authorize: starts the IdP leg of a pending, unexpired state (at most once). */
export async function startIdpLeg(
  db: SqlRunner,
  id: number,
  idp: { stateHash: string; bindingHash: string; nonce: string; codeVerifier: string },
  now: Date,
): Promise<LoginState | null> {
  return one(
    await db.query(
      `UPDATE login_states SET idp_state_hash = $2, binding_hash = $3, nonce = $4, idp_code_verifier = $5
       WHERE id = $1 AND status = 'pending' AND consumed_at IS NULL AND expires_at > $6
         AND idp_state_hash IS NULL RETURNING *`,
      [id, idp.stateHash, idp.bindingHash, idp.nonce, idp.codeVerifier, now],
    ),
  );
}

/**
 * Callback: claims the IdP leg once — the state must be pending, unexpired and bound to this
 * browser. Web states are consumed; CLI states lose their binding (the leg cannot be replayed).
 */
export async function claimCallback(
  db: SqlRunner,
  kind: LoginKind,
  idpStateHash: string,
  bindingHash: string,
  now: Date,
): Promise<LoginState | null> {
  const effect = kind === 'web' ? 'consumed_at = $4' : 'binding_hash = NULL';
  return one(
    await db.query(
      `UPDATE login_states SET ${effect}
       WHERE idp_state_hash = $1 AND kind = $2 AND binding_hash = $3 AND expires_at > $4
         AND consumed_at IS NULL AND status = 'pending' RETURNING *`,
      [idpStateHash, kind, bindingHash, now],
    ),
  );
}

export async function setStatus(
  db: SqlRunner,
  id: number,
  from: readonly LoginStatus[],
  to: {
    status: LoginStatus;
    failureReason?: string;
    userId?: number;
    approvedAt?: Date;
    mfaVerifiedAt?: Date | null;
    loginCodeHash?: string;
  },
): Promise<LoginState | null> {
  return one(
    await db.query(
      `UPDATE login_states SET status = $3, failure_reason = coalesce($4, failure_reason),
         user_id = coalesce($5, user_id), approved_at = coalesce($6, approved_at),
         mfa_verified_at = coalesce($7, mfa_verified_at), login_code_hash = coalesce($8, login_code_hash)
       WHERE id = $1 AND status = ANY($2) AND consumed_at IS NULL RETURNING *`,
      [
        id,
        [...from],
        to.status,
        to.failureReason ?? null,
        to.userId ?? null,
        to.approvedAt ?? null,
        to.mfaVerifiedAt ?? null,
        to.loginCodeHash ?? null,
      ],
    ),
  );
}

/** Counts a wrong PKCE verifier; the fifth invalidates the state. Returns the new count. */
export async function countVerifierFailure(db: SqlRunner, id: number, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `UPDATE login_states SET verifier_failures = verifier_failures + 1,
       consumed_at = CASE WHEN verifier_failures + 1 >= 5 THEN $2 ELSE consumed_at END
     WHERE id = $1 RETURNING verifier_failures AS n`,
    [id, now],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Completion consumes the approved state exactly once. */
export async function consumeApproved(
  db: SqlRunner,
  id: number,
  now: Date,
): Promise<LoginState | null> {
  return one(
    await db.query(
      `UPDATE login_states SET consumed_at = $2
       WHERE id = $1 AND status = 'approved' AND consumed_at IS NULL AND expires_at > $2 RETURNING *`,
      [id, now],
    ),
  );
}
