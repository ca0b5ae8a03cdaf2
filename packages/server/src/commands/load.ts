// Shared start of every subcommand: environment (+ .env outside production), demo defaults,
// validation. Invalid configuration prints every problem and exits 2 before anything else happens.
import { type DemoPlan, planDemo } from '../config/demo-env.js';
import { formatProblems, loadConfig, modeOf } from '../config/load-config.js';
import type { Config } from '../config/types.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { withDotEnv } from './env-file.js';
import { EXIT, err } from './output.js';

export interface Loaded {
  readonly config: Config;
  readonly demo: DemoPlan | null;
  readonly warnings: readonly string[];
  /** The environment the configuration was built from (demo defaults and .env included). */
  readonly rawEnv: Readonly<Record<string, string | undefined>>;
}

export function loadOrExit(
  options: { demo?: boolean; port?: number; persistSecrets?: boolean } = {},
): Loaded {
  const cwd = process.cwd();
  const demo = options.demo === true;
  const base =
    modeOf(process.env, demo) === 'production' ? { ...process.env } : withDotEnv(process.env, cwd);
  const plan = demo ? planDemo(base) : null;
  const result = loadConfig(plan?.env ?? base, { demo, cwd, ...options });
  const warnings = result.warnings.map((w) => `${w.variable}: ${w.rule}`);
  if (!result.ok) {
    err(formatProblems(result.errors));
    process.exit(EXIT.usage);
  }
  return { config: result.config, demo: plan, warnings, rawEnv: plan?.env ?? base };
}

/** The logger of a one-shot command: JSON, warnings and errors only (stdout is its report). */
export function quietLogger(config: Config): Logger {
  return createLogger({ ...config, logging: { ...config.logging, format: 'json', level: 'warn' } });
}
