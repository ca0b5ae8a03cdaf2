// The configuration file (cli.md §2): `config.json` in a 0700 directory, mode 0600, written
// atomically (temp file in the same directory, fsync, rename). A file readable by group or others
// is tightened to 0600 with a warning. Unknown keys are kept so later versions can add fields.
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT } from '../errors.js';

export interface RackEntry {
  url: string;
  token?: string;
  session_id?: string;
  email?: string;
  name?: string;
  roles?: string[];
  expires_at?: string;
  expires_checked_at?: string;
  idle_timeout_seconds?: number;
  mfa_method?: string;
  expiry_warned_at?: string | null;
  [key: string]: unknown;
}

export interface ConfigData {
  version: number;
  current?: string;
  device_id?: string;
  mfa_method?: string;
  racks: Record<string, RackEntry>;
  [key: string]: unknown;
}

const FILE = 'config.json';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseConfig(text: string, path: string): ConfigData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`The configuration file ${path} is not valid JSON`, EXIT.failed, {
      hint: 'Fix or remove it, then run: rack-gateway login <rack> <gateway-url>',
    });
  }
  if (!isRecord(parsed))
    throw new CliError(`The configuration file ${path} is not a JSON object`, EXIT.failed);
  const racks: Record<string, RackEntry> = {};
  for (const [name, entry] of Object.entries(isRecord(parsed.racks) ? parsed.racks : {})) {
    if (isRecord(entry) && typeof entry.url === 'string') racks[name] = entry as RackEntry;
  }
  return { ...parsed, version: 1, racks } as ConfigData;
}

export class ConfigStore {
  readonly path: string;

  constructor(
    readonly dir: string,
    private readonly warn: (text: string) => void,
  ) {
    this.path = join(dir, FILE);
  }

  /** Reads the file; a missing file is an empty configuration. */
  load(): ConfigData {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, racks: {} };
      throw new CliError(`Cannot read ${this.path}: ${(err as Error).message}`, EXIT.failed);
    }
    this.tightenMode();
    return parseConfig(text, this.path);
  }

  private tightenMode(): void {
    const mode = statSync(this.path).mode & 0o777;
    if ((mode & 0o077) === 0) return;
    chmodSync(this.path, 0o600);
    this.warn(
      `${this.path} was readable by other users (mode ${mode.toString(8)}); changed it to 600`,
    );
  }

  /** Writes the whole configuration atomically with mode 0600. */
  save(data: ConfigData): void {
    const created = mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (created !== undefined) chmodSync(this.dir, 0o700);
    const temp = join(this.dir, `.${FILE}.${randomUUID()}.tmp`);
    const fd = openSync(temp, 'wx', 0o600);
    try {
      try {
        writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch (err) {
      rmSync(temp, { force: true });
      throw new CliError(`Cannot write ${this.path}: ${(err as Error).message}`, EXIT.failed);
    }
    this.syncDir();
  }

  private syncDir(): void {
    try {
      const fd = openSync(this.dir, 'r');
      fsyncSync(fd);
      closeSync(fd);
    } catch {
      // Directory fsync is unsupported on some platforms; the rename is already done.
    }
  }
}
