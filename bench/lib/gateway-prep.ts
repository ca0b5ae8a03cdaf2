// Prepares a gateway's database before its process starts (on PGlite the running server holds the
// database alone): migrations, the audit chain's start-up, the seeded users, then what only an
// interactive user could otherwise set up — a confirmed TOTP method for the admin (a step-up route
// accepts an API token of an owner with MFA) and for each login user, and the admin's API token.
// Optionally fills the audit chain with generated events. Uses the server's own functions and the
// same configuration the process will load, so the server finds a database it could have made.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createTokenStore } from '../../packages/server/src/access/tokens/token-store.ts';
import {
  type AuditService,
  createAuditService,
} from '../../packages/server/src/audit/audit-service.ts';
import { migrationStep, runBootstrap } from '../../packages/server/src/bootstrap.ts';
import { loadConfig } from '../../packages/server/src/config/load-config.ts';
import type { Config } from '../../packages/server/src/config/types.ts';
import { type OpenedDatabase, openDatabase } from '../../packages/server/src/db/connect.ts';
import type { Database } from '../../packages/server/src/db/database.ts';
import { createReadiness } from '../../packages/server/src/http/readiness.ts';
import { seedUsers } from '../../packages/server/src/identity/users/seed.ts';
import { systemClock } from '../../packages/server/src/lib/clock.ts';
import { enforceMfa } from '../../packages/server/src/mfa/method-store.ts';
import { createMfaCrypto } from '../../packages/server/src/mfa/mfa-crypto.ts';
import { newTotpSecret } from '../../packages/server/src/mfa/totp.ts';
import { BENCH_ADMIN, type GatewaySpec, gatewayEnv } from './gateway-env.ts';

export interface PreparedGateway {
  /** `rgw_…` API token of the admin: the rack proxy and the audit API. */
  readonly token: string;
  /** Base32 TOTP secret of every login user. */
  readonly totpSecrets: ReadonlyMap<string, string>;
  /** Seconds spent generating audit events (0 without). */
  readonly generationSeconds: number;
}

/** Fills the audit chain of a prepared database (before the audit start-up runs on it). */
export type EventGenerator = (db: Database, config: Config) => Promise<void>;

export const TOKEN_PERMISSIONS = ['convox:*:*', 'gateway:audit:read'];

export function configOf(spec: GatewaySpec): Config {
  // The prepared database needs the same chain, keys and users; audit lines stay out of our output.
  const loaded = loadConfig({ ...gatewayEnv(spec), AUDIT_STDOUT: 'false' }, { cwd: spec.dir });
  if (!loaded.ok)
    throw new Error(
      `bench gateway configuration refused:\n${loaded.errors.map((e) => `${e.variable}: ${e.rule}`).join('\n')}`,
    );
  return loaded.config;
}

async function userId(db: Database, email: string): Promise<number> {
  const rows = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]);
  if (rows[0] === undefined) throw new Error(`${email} was not seeded`);
  return Number(rows[0].id);
}

/** A confirmed TOTP method, as a finished enrolment leaves it. */
async function enrolTotp(db: Database, config: Config, email: string): Promise<string> {
  const secret = newTotpSecret();
  const id = await userId(db, email);
  const now = new Date();
  await db.query(
    `INSERT INTO mfa_methods (uid, user_id, type, label, secret_encrypted, created_at, confirmed_at)
     VALUES ($1, $2, 'totp', 'bench', $3, $4, $4)`,
    [randomUUID(), id, createMfaCrypto(config.secrets.appSecretKey, null).encrypt(secret), now],
  );
  await enforceMfa(db, id, now);
  return secret;
}

async function setUp(
  config: Config,
  opened: OpenedDatabase,
  audit: AuditService,
  o: { loginUsers: readonly string[]; generate?: EventGenerator },
): Promise<PreparedGateway> {
  const logger = pino({ level: 'silent' });
  const deps = { config, db: opened.db, clock: systemClock, audit: audit.log };
  let generationSeconds = 0;
  try {
    const steps = [
      migrationStep(opened, logger),
      // Before the audit start-up: generated events are spread over the past week, so the chain
      // must begin there rather than at a head written now.
      {
        name: 'audit volume',
        run: async () => {
          const began = performance.now();
          await o.generate?.(opened.db, config);
          generationSeconds = (performance.now() - began) / 1000;
        },
      },
      audit.startupStep(),
      { name: 'seed users', run: async () => void (await seedUsers({ ...deps, warn: () => {} })) },
    ];
    await runBootstrap({ config, steps, readiness: createReadiness(), logger }).done;
    await enrolTotp(opened.db, config, BENCH_ADMIN);
    const totpSecrets = new Map<string, string>();
    for (const email of o.loginUsers)
      totpSecrets.set(email, await enrolTotp(opened.db, config, email));
    const { secret } = await createTokenStore(opened.db).create(
      {
        name: 'bench',
        ownerUserId: await userId(opened.db, BENCH_ADMIN),
        permissions: TOKEN_PERMISSIONS,
        expiresAt: null,
      },
      new Date(),
    );
    return { token: secret, totpSecrets, generationSeconds };
  } finally {
    await audit.close();
  }
}

export async function prepareGateway(
  spec: GatewaySpec,
  options: { generate?: EventGenerator } = {},
): Promise<PreparedGateway> {
  const config = configOf(spec);
  const logger = pino({ level: 'silent' });
  const opened = await openDatabase(config, logger);
  const audit = createAuditService({ config, db: opened.db, logger });
  try {
    return await setUp(config, opened, audit, { loginUsers: spec.loginUsers, ...options });
  } finally {
    await opened.db.close();
  }
}
