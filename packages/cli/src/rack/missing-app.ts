// An app taken from the directory name (cli.md §3, the last fallback) is often not an app at all:
// when the rack answers `app not found` for it, say where the name came from and list the apps
// the user can pick with `-a`, instead of a bare "not found".
import { RackHttpError } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';

export async function missingDirectoryApp(
  ctx: CliContext,
  err: unknown,
): Promise<CliError | undefined> {
  const selected = ctx.appSelection;
  if (selected?.source !== 'directory name' || ctx.activeSession === undefined) return undefined;
  if (!(err instanceof RackHttpError) || err.status !== 404) return undefined;
  if (err.message !== `app not found: ${selected.app}`) return undefined;
  const apps = await ctx.activeSession.rackAccess.read((c) => c.listApps()).catch(() => undefined);
  const names = apps?.map((a) => a.name).sort() ?? [];
  const list = names.length > 0 ? `Apps on this rack: ${names.join(', ')}` : 'The rack has no apps';
  return new CliError(
    `No app "${selected.app}" (the default app is the current directory's name); pick one with -a <app>`,
    EXIT.notFound,
    { status: 404, hint: list },
  );
}
