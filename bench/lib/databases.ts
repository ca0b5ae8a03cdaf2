// PostgreSQL databases of one run: each gateway gets its own, created next to BENCH_DATABASE_URL
// and dropped at the end (names rgw_bench_*).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function adminQuery<T extends pg.QueryResultRow>(base: string, sql: string): Promise<T[]> {
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(base: string, purpose: string): Promise<BenchDatabase> {
  const name = `rgw_bench_${purpose}_${randomBytes(3).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: async () => void (await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

export interface ServerInfo {
  readonly version: string;
  readonly fsync: string;
  readonly synchronousCommit: string;
}

/** The server's version and durability settings (the targets assume fsync on). */
export async function serverInfo(base: string): Promise<ServerInfo> {
  const rows = await adminQuery<{ version: string; fsync: string; sync: string }>(
    base,
    `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS sync`,
  );
  const r = rows[0];
  return { version: r?.version ?? '?', fsync: r?.fsync ?? '?', synchronousCommit: r?.sync ?? '?' };
}
