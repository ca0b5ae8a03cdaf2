// Uploading the source archive (cli.md §6.1 step 4): `POST /apps/{app}/objects/tmp/<30 hex>.tgz`
// with the raw archive; a progress bar (bytes, speed) on terminals, a progress line otherwise.
import { createReadStream } from 'node:fs';
import type { CliContext } from '../context.js';
import type { SourceArchive } from './source-archive.js';

export async function uploadSource(
  ctx: CliContext,
  app: string,
  archive: SourceArchive,
): Promise<string> {
  const bar = ctx.out.progressBar('Uploading source', archive.size);
  const line = bar ? undefined : ctx.out.progress('Uploading source');
  try {
    const object = await ctx.session().rackAccess.write((c) =>
      c.uploadObject(app, createReadStream(archive.file), {
        size: archive.size,
        ...(bar ? { onProgress: (p: { sentBytes: number }) => bar.update(p.sentBytes) } : {}),
      }),
    );
    bar?.done();
    line?.done();
    return object.url;
  } catch (err) {
    line?.fail();
    throw err;
  }
}
