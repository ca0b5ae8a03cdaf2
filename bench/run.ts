// `npm run bench`: every benchmark in turn; each prints its own table and asserts nothing.
import { benchAuditExport } from './audit-export.ts';
import { benchAuditWriter } from './audit-writer.ts';

await benchAuditWriter();
await benchAuditExport();
