// Typed drizzle definitions of the gateway's tables, for typed queries (`db.orm`). The SQL
// migrations remain the source of truth for the database; test/db-schema.test.ts compares every
// table here with the migrated database so the two cannot drift. The audit tables (schema `audit`)
// are written with hand-made SQL because their hashed bytes must be exact (audit.md §3-4).
import { bigint, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const at = (name: string) => timestamp(name, { withTimezone: true });
const userRef = (name: string) => bigint(name, { mode: 'number' });

export const gatewayMeta = pgTable('gateway_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const users = pgTable('users', {
  id: id(),
  uid: uuid('uid').notNull().unique(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  roles: text('roles').array().notNull(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  createdByUserId: userRef('created_by_user_id'),
  lastLoginAt: at('last_login_at'),
  lockedAt: at('locked_at'),
  lockedReason: text('locked_reason'),
  lockedByUserId: userRef('locked_by_user_id'),
  suspendedAt: at('suspended_at'),
  mfaEnforcedAt: at('mfa_enforced_at'),
  preferredMfaMethod: text('preferred_mfa_method'),
  oidcIssuer: text('oidc_issuer'),
  oidcSubject: text('oidc_subject'),
});

export const sessions = pgTable('sessions', {
  id: id(),
  uid: uuid('uid').notNull().unique(),
  userId: userRef('user_id').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  channel: text('channel').notNull(),
  createdAt: at('created_at').notNull(),
  lastSeenAt: at('last_seen_at').notNull(),
  createdIp: text('created_ip').notNull().default(''),
  lastIp: text('last_ip').notNull().default(''),
  userAgent: text('user_agent').notNull().default(''),
  deviceId: uuid('device_id'),
  deviceName: text('device_name'),
  deviceOs: text('device_os'),
  clientVersion: text('client_version'),
  mfaState: text('mfa_state').notNull(),
  mfaVerifiedAt: at('mfa_verified_at'),
  recentStepUpAt: at('recent_step_up_at'),
  trustedDeviceId: uuid('trusted_device_id'),
  revokedAt: at('revoked_at'),
  revokedReason: text('revoked_reason'),
  revokedByUserId: userRef('revoked_by_user_id'),
});

export const loginStates = pgTable('login_states', {
  id: id(),
  uid: uuid('uid').notNull().unique(),
  kind: text('kind').notNull(),
  stateHash: text('state_hash').notNull().unique(),
  idpStateHash: text('idp_state_hash').unique(),
  bindingHash: text('binding_hash'),
  nonce: text('nonce'),
  idpCodeVerifier: text('idp_code_verifier'),
  returnTo: text('return_to'),
  mode: text('mode'),
  codeChallenge: text('code_challenge'),
  redirectUri: text('redirect_uri'),
  confirmationCode: text('confirmation_code'),
  deviceId: uuid('device_id'),
  deviceName: text('device_name'),
  deviceOs: text('device_os'),
  clientVersion: text('client_version'),
  ip: text('ip').notNull().default(''),
  userAgent: text('user_agent').notNull().default(''),
  status: text('status').notNull().default('pending'),
  failureReason: text('failure_reason'),
  userId: userRef('user_id'),
  verifierFailures: integer('verifier_failures').notNull().default(0),
  loginCodeHash: text('login_code_hash'),
  approvedAt: at('approved_at'),
  mfaVerifiedAt: at('mfa_verified_at'),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
  consumedAt: at('consumed_at'),
});

export const settings = pgTable('settings', {
  id: id(),
  appName: text('app_name'),
  key: text('key').notNull(),
  value: jsonb('value').notNull(),
  updatedAt: at('updated_at').notNull(),
  updatedByUserId: userRef('updated_by_user_id'),
});

export const apiTokens = pgTable('api_tokens', {
  id: id(),
  uid: uuid('uid').notNull().unique(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  ownerUserId: userRef('owner_user_id').notNull(),
  permissions: text('permissions').array().notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at'),
  lastUsedAt: at('last_used_at'),
  lastUsedIp: text('last_used_ip'),
});

export const mfaMethods = pgTable('mfa_methods', {
  id: id(),
  uid: uuid('uid').notNull().unique(),
  userId: userRef('user_id').notNull(),
  type: text('type').notNull(),
  label: text('label').notNull(),
  secretEncrypted: text('secret_encrypted'),
  startedSessionId: bigint('started_session_id', { mode: 'number' }),
  createdAt: at('created_at').notNull(),
  confirmedAt: at('confirmed_at'),
  lastUsedAt: at('last_used_at'),
});

export const mfaBackupCodes = pgTable('mfa_backup_codes', {
  id: id(),
  userId: userRef('user_id').notNull(),
  codeHash: text('code_hash').notNull(),
  createdAt: at('created_at').notNull(),
  usedAt: at('used_at'),
});

export const mfaTotpUsedSteps = pgTable('mfa_totp_used_steps', {
  userId: userRef('user_id').notNull(),
  timeStep: bigint('time_step', { mode: 'number' }).notNull(),
  usedAt: at('used_at').notNull(),
});

export const mfaAttempts = pgTable('mfa_attempts', {
  id: id(),
  userId: userRef('user_id').notNull(),
  methodType: text('method_type').notNull(),
  outcome: text('outcome').notNull(),
  reason: text('reason'),
  ip: text('ip').notNull().default(''),
  userAgent: text('user_agent').notNull().default(''),
  createdAt: at('created_at').notNull(),
  clearedAt: at('cleared_at'),
});

export const trustedDevices = pgTable('trusted_devices', {
  id: id(),
  uid: uuid('uid').notNull().unique(),
  userId: userRef('user_id').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  userAgentHash: text('user_agent_hash').notNull(),
  label: text('label').notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
  firstIp: text('first_ip').notNull().default(''),
  lastIp: text('last_ip').notNull().default(''),
  lastUsedAt: at('last_used_at'),
  revokedAt: at('revoked_at'),
  revokedReason: text('revoked_reason'),
});

export const TABLES = {
  gatewayMeta,
  users,
  sessions,
  loginStates,
  settings,
  apiTokens,
  mfaMethods,
  mfaBackupCodes,
  mfaTotpUsedSteps,
  mfaAttempts,
  trustedDevices,
};
