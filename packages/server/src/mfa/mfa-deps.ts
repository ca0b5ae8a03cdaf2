// What the MFA domain needs from the composition root (app.ts builds it once).
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { KeyedSerialiser } from '../lib/keyed-serialiser.js';
import type { SettingValues } from '../settings/catalogue.js';
import type { MfaCrypto } from './mfa-crypto.js';

export interface MfaDeps {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly crypto: MfaCrypto;
  readonly settings: () => Promise<SettingValues>;
  /** One verification at a time per user in this process (the row lock covers replicas). */
  readonly attemptQueue: KeyedSerialiser;
}
