// Console output of the server's subcommands (not logs): plain text on stdout/stderr.
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Exit codes shared by every subcommand (config.md §4). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
