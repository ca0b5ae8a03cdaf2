// The web client's sign-in button names the identity provider (issue 19 finding 7a): every page
// of the SPA carries OIDC_DISPLAY_NAME in `<meta name="rgw-idp-name">`, escaped as an attribute;
// without it the name is "Google" for Google's issuer and "single sign-on" for any other.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from './support/test-app.js';
import { testConfig } from './support/test-config.js';
import { createTestDb, type TestDatabase } from './support/test-db.js';

function webDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rgw-web-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><title>Rack Gateway</title></head><body><div id="root"></div></body></html>',
  );
  return dir;
}

const metaOf = (html: string): string | undefined =>
  /<meta name="rgw-idp-name" content="([^"]*)">/.exec(html)?.[1];

describe('the provider name in the sign-in page', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDb();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function page(env: Record<string, string>, url: string): Promise<string> {
    const app = await testApp(testConfig(env), database, webDist());
    try {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      return res.body;
    } finally {
      await app.close();
    }
  }

  it('writes OIDC_DISPLAY_NAME into the login page and the landing page', async () => {
    const env = { OIDC_DISPLAY_NAME: 'Acme Okta' };
    expect(metaOf(await page(env, '/app/login'))).toBe('Acme Okta');
    expect(metaOf(await page(env, '/app/'))).toBe('Acme Okta');
  });

  it('escapes the name as an attribute value', async () => {
    const html = await page({ OIDC_DISPLAY_NAME: 'A "quoted" <b>&</b> IdP' }, '/app/login');
    expect(metaOf(html)).toBe('A &quot;quoted&quot; &lt;b>&amp;&lt;/b> IdP');
    expect(html).not.toContain('<b>');
  });

  it('names a provider other than Google "single sign-on" when OIDC_DISPLAY_NAME is not set', async () => {
    expect(metaOf(await page({}, '/app/login'))).toBe('single sign-on');
  });
});
