// The input/output of a command run by the mock's interpreter: an exec socket or a run pod's log.

export interface CommandIo {
  /** Writes output (one socket frame / log chunk per call). */
  write(data: string | Buffer): void;
  /** The next stdin chunk, or null at EOF. */
  read(): Promise<Buffer | null>;
  /** Waits on the injected clock; resolves early when the command is aborted. */
  sleep(ms: number): Promise<void>;
  readonly aborted: () => boolean;
}

export interface ExecScript {
  readonly command: string;
  readonly output: readonly string[];
  readonly exitCode: number;
  readonly delayMs?: number;
}

export interface CommandEnv {
  /** The process env: release env + APP, SERVICE, RELEASE, RACK, PORT. */
  readonly env: ReadonlyMap<string, string>;
  readonly podId: string;
  /** Top-level entries of the release's build archive. */
  readonly entries: readonly string[];
  readonly now: () => number;
  readonly scripts: ReadonlyMap<string, ExecScript>;
}

/** Reads stdin line by line (`\n` or `\r` ends a line). */
export class LineReader {
  private buffered = '';
  private eof = false;

  constructor(private readonly io: CommandIo) {}

  async readLine(): Promise<string | null> {
    for (;;) {
      const m = /[\r\n]/.exec(this.buffered);
      if (m) {
        const line = this.buffered.slice(0, m.index);
        this.buffered = this.buffered.slice(m.index + 1).replace(/^\n/, '');
        return line;
      }
      if (this.eof) {
        const rest = this.buffered;
        this.buffered = '';
        return rest === '' ? null : rest;
      }
      const chunk = await this.io.read();
      if (chunk === null) this.eof = true;
      else this.buffered += chunk.toString('utf8');
    }
  }
}

export const DEFAULT_SCRIPTS: readonly ExecScript[] = [
  {
    command: 'rake db:migrate',
    output: ['== Migrating… done', 'Migrations complete'],
    exitCode: 0,
  },
  {
    command: 'bin/rails db:migrate',
    output: ['== Migrating… done', 'Migrations complete'],
    exitCode: 0,
  },
];
