// Demo mode sign-in in a real browser: each of the four demo users clicks "Sign in", picks their
// account on the mock IdP's page and lands on the rack page — with the strict CSP and no console
// errors. Then sign-out ends the session.
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from './support/browser.ts';
import { type GatewayProcess, startGateway } from './support/gateway-process.ts';
import { freePort } from './support/ports.ts';

const executable = chromiumPath();

/** What the CLI prints: first 8 characters of base32(SHA-256(state)) as XXXX-XXXX. */
function confirmationCode(state: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of createHash('sha256').update(state).digest())
    bits += byte.toString(2).padStart(8, '0');
  let code = '';
  for (let i = 0; i < 40; i += 5) code += alphabet[Number.parseInt(bits.slice(i, i + 5), 2)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
const DEMO_USERS = [
  'admin@example.com',
  'deployer@example.com',
  'ops@example.com',
  'viewer@example.com',
];

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

describe.skipIf(executable === null)('demo users sign in through the mock IdP in Chromium', () => {
  let gateway: GatewayProcess;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await startGateway({
      args: ['serve', '--demo'],
      env: {
        MOCK_IDP_PORT: String(await freePort()),
        MOCK_RACK_PORT: String(await freePort()),
        LOG_FORMAT: 'json',
      },
    });
    await gateway.waitHealthy(60_000);
    browser = await launchChromium(executable ?? '');
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  for (const email of DEMO_USERS) {
    it(`${email} signs in and out`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      await page.goto(`http://localhost:${gateway.port}/app/login`);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: new RegExp(email) }).click();
      await page.waitForURL(`http://localhost:${gateway.port}/app/rack`);
      await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe(
        `Signed in as ${email}`,
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`http://localhost:${gateway.port}/app/login`);
      const after = await page.evaluate(async () => (await fetch('/api/v1/info')).status);
      expect(after).toBe(401);
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
      await context.close();
    });
  }

  it('a CLI login (headless mode) is approved on the approval page after comparing the code', async () => {
    const base = `http://localhost:${gateway.port}`;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const started = await fetch(`${base}/api/v1/auth/cli/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code_challenge: challenge,
        code_challenge_method: 'S256',
        device_name: 'e2e-box',
        device_os: 'linux',
        client_version: '0.1.0',
      }),
    });
    const { state, auth_url } = (await started.json()) as { state: string; auth_url: string };
    const expectedCode = confirmationCode(state);
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(auth_url);
    await page.getByRole('button', { name: /ops@example\.com/ }).click();
    await page.waitForURL(/\/app\/cli\/login\?state=/);
    await expect(page.getByTestId('confirmation-code').textContent()).resolves.toBe(expectedCode);
    await expect(page.getByText('e2e-box').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${base}/app/cli/success`);
    const done = await fetch(`${base}/api/v1/auth/cli/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state, code_verifier: verifier }),
    });
    expect(done.status).toBe(200);
    const body = (await done.json()) as { token: string; email: string };
    expect(body.email).toBe('ops@example.com');
    const info = await fetch(`${base}/api/v1/info`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(info.status).toBe(200);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an account outside the allowed domain gets the fixed error text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://localhost:${gateway.port}/app/login`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: /outsider@outside\.example/ }).click();
    await page.waitForURL(/\/app\/auth\/error\?reason=domain_not_allowed/);
    await expect(
      page.getByText('Accounts from this domain cannot sign in to this gateway.').isVisible(),
    ).resolves.toBe(true);
    await context.close();
  });
});
