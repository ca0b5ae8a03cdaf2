// Child process of e2e/audit-chain.test.ts: one chain writer in its own process appending
// `producers × perProducer` events to the PostgreSQL database given on the command line.
// Usage: audit-writer-process.ts <database-url> <producers> <per-producer> <tag>
import { loadWriter, migratePostgres, openLoadDatabase, produce } from '../bench/audit-load.ts';

const [url = '', producers = '5', perProducer = '1000', tag = 'p'] = process.argv.slice(2);
await migratePostgres(url);
const db = openLoadDatabase(url);
const { writer, log } = loadWriter(db);
const result = await produce(log, Number(producers), Number(perProducer), tag);
const left = await writer.close(30_000);
await db.close();
process.stdout.write(`${JSON.stringify({ events: result.events, unflushed: left.length })}\n`);
process.exit(left.length === 0 ? 0 : 1);
