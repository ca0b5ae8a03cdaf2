// `rack-gateway-server serve [--demo] [--port N]`: validate, open the database, listen, then finish
// start-up (migrations, domain steps) in the background and drain gracefully on SIGTERM/SIGINT.
import { fileURLToPath } from 'node:url';
import { createAdminSocket } from '../admin/admin-socket.js';
import { buildApp } from '../app.js';
import { createAuditService } from '../audit/audit-service.js';
import { FatalStartupError, migrationStep, runBootstrap } from '../bootstrap.js';
import { openDatabase } from '../db/connect.js';
import { createReadiness } from '../http/readiness.js';
import { identitySteps } from '../identity/identity-steps.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../logging/logger.js';
import { settingsEnvProblems } from '../settings/catalogue.js';
import { createSettingsStore } from '../settings/settings-store.js';
import { type DemoServices, demoBanner, startDemoServices } from './demo-services.js';
import { loadOrExit } from './load.js';
import { EXIT, err, out } from './output.js';

export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export async function serve(options: { demo?: boolean; port?: number }): Promise<void> {
  const { config, demo, warnings, rawEnv } = loadOrExit(options);
  const settingProblems = settingsEnvProblems(rawEnv);
  if (settingProblems.length > 0) {
    err(`Invalid configuration:\n${settingProblems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(EXIT.usage);
  }
  const logger = createLogger(config);
  for (const w of warnings) logger.warn(`configuration: ${w}`);
  if (config.secrets.generated) {
    logger.warn(
      `development secrets are kept in ${config.database.dataDir}/secrets.json; never use them in production`,
    );
  }
  if (config.mode === 'production' && config.oidc.allowedDomains.length === 0) {
    logger.warn(
      'OIDC_ALLOWED_DOMAINS is empty: any account the IdP authenticates may sign in if its user exists',
    );
  }
  let services: DemoServices | null = null;
  if (demo) services = await startDemoServices(demo, config);
  const opened = await openDatabase(config, logger);
  const readiness = createReadiness();
  const audit = createAuditService({ config, db: opened.db, logger });
  const settings = createSettingsStore({
    db: opened.db,
    clock: systemClock,
    logger,
    env: rawEnv,
  });
  const app = await buildApp(config, {
    db: opened.db,
    logger,
    webDistDir: WEB_DIST_DIR,
    readiness,
    audit: audit.log,
    settings,
  });
  const admin = createAdminSocket({
    config,
    db: opened.db,
    audit: audit.log,
    clock: systemClock,
    logger,
  });
  const steps = [
    ...(config.database.autoMigrate ? [migrationStep(opened, logger)] : []),
    audit.startupStep(),
    admin.step,
    ...identitySteps({
      config,
      db: opened.db,
      clock: systemClock,
      audit: audit.log,
      logger,
      settings,
      oidc: app.identity.oidc,
    }),
  ];
  const boot = runBootstrap({ config, steps, readiness, logger });

  let closing = false;
  const shutdown = async (code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    boot.stop();
    logger.info('shutting down: draining requests');
    const grace = setTimeout(() => {
      logger.error('drain took longer than SHUTDOWN_GRACE_SECONDS; exiting');
      process.exit(code || EXIT.failed);
    }, config.server.shutdownGraceSeconds * 1000);
    grace.unref();
    await app
      .close()
      .catch((e: unknown) => logger.error({ err: e }, 'error while closing the server'));
    await admin.close().catch(() => undefined);
    await settings.close().catch(() => undefined);
    await audit.close();
    await opened.db.close().catch(() => undefined);
    await services?.close();
    logger.flush();
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown(EXIT.ok));
  process.once('SIGINT', () => void shutdown(EXIT.ok));

  await app.listen({ port: config.server.port, host: config.server.bindAddress });
  logger.info({ url: config.server.publicUrl.origin, mode: config.mode }, 'rack-gateway listening');
  if (demo) out(demoBanner(config, demo));
  boot.done.catch((e: unknown) => {
    err(e instanceof FatalStartupError ? e.message : `start-up failed: ${(e as Error).message}`);
    void shutdown(EXIT.usage);
  });
}
