// Which PostgreSQL the suites run against: TEST_DATABASE_URL, or none (PGlite only). With
// REQUIRE_POSTGRES=1 a missing TEST_DATABASE_URL is an error, not a silent skip.
// The template is named after the target database, so that runs against different databases of one
// server (parallel developers, CI) never drop each other's template.
export function templateDbName(targetUrl: string): string {
  const name = new URL(targetUrl).pathname.replace(/^\//, '') || 'postgres';
  return `${name.replace(/[^a-z0-9_]/gi, '_')}_template`.toLowerCase();
}

export function postgresTarget(): string | null {
  // The test runner sets RGW_TEST_DB to run the server suites once per engine.
  if (process.env.RGW_TEST_DB === 'pglite') return null;
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (url) return url;
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(
      'REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: start PostgreSQL and set TEST_DATABASE_URL',
    );
  }
  return null;
}
