// `npm run bench`: every benchmark in turn; each prints its own table and asserts nothing.
import { benchAuditExport } from './audit-export.ts';
import { benchAuditWriter } from './audit-writer.ts';
import { benchProxyPath } from './proxy-path.ts';

await benchAuditWriter();
await benchAuditExport();
await benchProxyPath();
