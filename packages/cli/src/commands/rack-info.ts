// `rack info` (cli.md §6): the rack's System document through the proxy.
import { SYSTEM_SCHEMA } from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { objectOf, showDocument } from '../rack/rack-documents.js';

export async function rackInfo(ctx: CliContext): Promise<void> {
  await showDocument(ctx, 'system.get', {}, {}, (doc) => {
    const s = objectOf(SYSTEM_SCHEMA, doc, 'system');
    ctx.out.info([
      ['Name', s.name],
      ['Provider', s.provider],
      ['Region', s.region],
      ['Router', s.domain],
      ['RouterInternal', s.routerInternal],
      ['Status', s.status],
      ['Version', s.version],
    ]);
  });
}
