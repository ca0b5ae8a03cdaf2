// `rack-gateway-server migrate [--status]`.
import { openDatabase } from '../db/connect.js';
import { migrate, migrationStatus } from '../db/migrate.js';
import { loadOrExit, quietLogger } from './load.js';
import { EXIT, err, out } from './output.js';

export async function migrateCommand(options: { status?: boolean }): Promise<number> {
  const { config } = loadOrExit();
  const logger = quietLogger(config);
  const opened = await openDatabase(config, logger);
  const session = await opened.openMigrationSession();
  try {
    if (options.status) {
      const status = await migrationStatus(session);
      for (const a of status.applied) out(`applied  ${a.id}  ${a.appliedAt.toISOString()}`);
      for (const p of status.pending) out(`pending  ${p}`);
      out(`${status.applied.length} applied, ${status.pending.length} pending`);
      return EXIT.ok;
    }
    const applied = await migrate(session);
    out(
      applied.length === 0
        ? 'database is up to date'
        : `applied ${applied.length}: ${applied.join(', ')}`,
    );
    return EXIT.ok;
  } catch (e) {
    err(`migrate failed: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await session.release();
    await opened.db.close();
  }
}
