// The CLI's error family and its exit codes (cli.md §10). Every failure that reaches the user is a
// CliError: one `Error: …` line, an optional `Hint: …`, and a documented exit code.

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  forbidden: 4,
  notFound: 5,
  mfa: 6,
  unavailable: 7,
  rateLimited: 8,
  approvalRejected: 9,
  conflict: 10,
  timeout: 124,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliErrorDetails {
  readonly hint?: string;
  /** HTTP status of the failed request, when there was one. */
  readonly status?: number;
  /** The gateway's `X-Error-Reason` or error code. */
  readonly reason?: string;
  readonly cause?: unknown;
}

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly hint: string | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(
    message: string,
    readonly exitCode: number,
    details: CliErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.hint = details.hint;
    this.status = details.status;
    this.reason = details.reason;
  }
}

export const usageError = (message: string, hint?: string): CliError =>
  new CliError(message, EXIT.usage, hint === undefined ? {} : { hint });

/** Ends a command with a given exit code without printing anything (run/exec remote codes). */
export class ExitSignal extends Error {
  override readonly name = 'ExitSignal';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
