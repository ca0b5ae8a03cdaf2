// PostgreSQL for end-to-end suites: fresh databases on the server named by TEST_DATABASE_URL.
// Without it the suites are skipped loudly, unless REQUIRE_POSTGRES=1.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function postgresUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (url) return url;
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set');
  }
  console.warn('\n*** TEST_DATABASE_URL is not set: PostgreSQL end-to-end tests are SKIPPED ***\n');
  return null;
}

export async function withAdmin<T>(
  baseUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const url = new URL(baseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL. */
export async function createEmptyDatabase(baseUrl: string): Promise<string> {
  const name = `rgw_e2e_${randomBytes(6).toString('hex')}`;
  await withAdmin(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
