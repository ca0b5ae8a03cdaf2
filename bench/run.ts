// `npm run bench`: every benchmark in turn; each prints its own table and asserts nothing.
import { benchAuditWriter } from './audit-writer.ts';

await benchAuditWriter();
