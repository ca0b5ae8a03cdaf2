// Start-up work that needs the database (migrations first, then each domain's steps). `serve`
// keeps retrying while the database is unreachable, so the process stays up and recovers by itself.
import type { Config } from './config/types.js';
import type { OpenedDatabase } from './db/connect.js';
import { migrate } from './db/migrate.js';
import type { Readiness } from './http/readiness.js';
import type { Logger } from './logging/logger.js';

export interface BootstrapStep {
  readonly name: string;
  run(): Promise<void>;
}

/** A start-up problem that retrying cannot fix (exit 2, e.g. AUDIT_CHAIN_ID changed). */
export class FatalStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalStartupError';
  }
}

export function migrationStep(opened: OpenedDatabase, logger: Logger): BootstrapStep {
  return {
    name: 'migrate',
    async run() {
      const session = await opened.openMigrationSession();
      try {
        const applied = await migrate(session);
        if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
      } finally {
        await session.release();
      }
    },
  };
}

export interface BootstrapRun {
  /** Resolves once every step succeeded; rejects only with a FatalStartupError. */
  readonly done: Promise<void>;
  stop(): void;
}

export function runBootstrap(options: {
  config: Config;
  steps: readonly BootstrapStep[];
  readiness: Readiness;
  logger: Logger;
}): BootstrapRun {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      const began = Date.now();
      for (const step of options.steps) {
        options.readiness.detail = `starting: ${step.name}`;
        const stepBegan = Date.now();
        await step.run();
        options.logger.info({ ms: Date.now() - stepBegan }, `start-up: ${step.name} done`);
      }
      options.readiness.ready = true;
      options.readiness.detail = 'ready';
      options.logger.info({ ms: Date.now() - began }, 'start-up complete: serving requests');
    } catch (err) {
      if (err instanceof FatalStartupError || stopped) throw err;
      options.readiness.detail = 'starting: waiting for the database';
      options.logger.warn(
        { err: (err as Error).message, retry_in_ms: delayMs },
        'start-up step failed; retrying',
      );
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, delayMs);
      });
      if (stopped) return;
      return attempt(Math.min(delayMs * 2, 10_000));
    }
  };
  return {
    done: attempt(500),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
