// The one output module (cli.md §9): results go to stdout, progress, warnings and errors to stderr.
// Colours and spinners only on terminals without NO_COLOR / --no-color; `--json` prints documents
// as received and errors as JSON. Nothing else in the CLI writes to the process streams.
import type { CliError } from '../errors.js';
import type { CliIo, OutStream } from '../io.js';
import { formatInfo, formatTable } from './format.js';
import { ProgressBar, Spinner } from './live-line.js';

export interface OutputOptions {
  readonly json: boolean;
  readonly color: boolean;
  readonly debug: boolean;
}

export interface ProgressLine {
  /** Ends the line with `OK` (or the given text). */
  done(text?: string): void;
  /** Ends the line after a failure (the error follows on its own line). */
  fail(): void;
}

const paint = (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m`;

export class Output {
  constructor(
    private readonly io: CliIo,
    readonly options: OutputOptions,
  ) {}

  get json(): boolean {
    return this.options.json;
  }

  get stdoutIsTerminal(): boolean {
    return this.io.stdout.isTTY === true;
  }

  get stderrIsTerminal(): boolean {
    return this.io.stderr.isTTY === true;
  }

  private colored(stream: OutStream, code: number, text: string): string {
    return this.options.color && stream.isTTY === true ? paint(code, text) : text;
  }

  /** One result line on stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Bytes on stdout exactly as received (logs, exec output). */
  raw(data: Uint8Array | string): void {
    this.io.stdout.write(data);
  }

  /** Bytes on stderr exactly as received (build logs when stdout is reserved for a result). */
  rawErr(data: Uint8Array | string): void {
    this.io.stderr.write(data);
  }

  /** A JSON document on stdout: received text verbatim (ending in a newline) or a value. */
  document(doc: unknown): void {
    if (typeof doc === 'string') this.io.stdout.write(doc.endsWith('\n') ? doc : `${doc}\n`);
    else this.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    this.line(formatTable(headers, rows));
  }

  info(rows: readonly (readonly [string, string])[]): void {
    this.line(formatInfo(rows));
  }

  /** `✓ text` on stdout. */
  success(text: string): void {
    this.line(`${this.colored(this.io.stdout, 32, '✓')} ${text}`);
  }

  /** A progress line on stderr: `Text... ` now, `OK` when done. */
  progress(text: string): ProgressLine {
    this.io.stderr.write(`${text}... `);
    let open = true;
    return {
      done: (result = 'OK') => {
        if (open) this.io.stderr.write(`${this.colored(this.io.stderr, 32, result)}\n`);
        open = false;
      },
      fail: () => {
        if (open) this.io.stderr.write('\n');
        open = false;
      },
    };
  }

  /** Runs `work` inside a progress line: `OK` (or `done(result)`) on success, a line break on failure. */
  async step<T>(text: string, work: () => Promise<T>, done?: (result: T) => string): Promise<T> {
    const line = this.progress(text);
    try {
      const result = await work();
      line.done(done?.(result));
      return result;
    } catch (err) {
      line.fail();
      throw err;
    }
  }

  /** An informational line on stderr. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.colored(this.io.stderr, 33, 'Warning:')} ${text}\n`);
  }

  /** `--debug` lines on stderr (callers redact credentials). */
  debug(text: string): void {
    if (this.options.debug) this.io.stderr.write(`debug: ${text}\n`);
  }

  /** A spinner on terminals (not with --json, NO_COLOR or --no-color); elsewhere the text once. */
  spinner(text: string): Spinner {
    const live = this.stderrIsTerminal && !this.options.json && this.options.color;
    if (!live) this.note(text);
    return new Spinner(this.io.stderr, text, live);
  }

  /** An upload progress bar on terminals; `None` when stderr is not one. */
  progressBar(label: string, total: number): ProgressBar | undefined {
    if (!this.stderrIsTerminal || this.options.json) return undefined;
    return new ProgressBar(this.io.stderr, label, total, () => this.io.now().getTime());
  }

  error(err: CliError): void {
    if (this.options.json) {
      const error = {
        message: err.message,
        status: err.status,
        reason: err.reason,
        code: err.exitCode,
      };
      this.io.stderr.write(`${JSON.stringify({ error })}\n`);
      return;
    }
    this.io.stderr.write(`${this.colored(this.io.stderr, 31, 'Error:')} ${err.message}\n`);
    if (err.hint) this.io.stderr.write(`Hint: ${err.hint}\n`);
  }
}
