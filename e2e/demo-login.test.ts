// Demo mode sign-in in a real browser: each of the four demo users clicks the sign-in button, picks
// their account on the mock IdP's page and lands on the rack page — with the strict CSP and no
// console errors. Then sign-out ends the session.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from './support/browser.ts';
import { type GatewayProcess, startDemoGateway } from './support/gateway-process.ts';
import { fillApprovalCode } from './support/mfa-browser.ts';
import {
  completeCliLogin,
  confirmationCode,
  signInInBrowser,
  startHeadlessCliLogin,
} from './support/sign-in.ts';

const executable = chromiumPath();

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
    gateway = await startDemoGateway();
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
      await signInInBrowser(page, `http://localhost:${gateway.port}`, email);
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
    const login = await startHeadlessCliLogin(base);
    const { state } = login;
    const expectedCode = confirmationCode(state);
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(login.authUrl);
    await page.getByRole('button', { name: /ops@example\.com/ }).click();
    await page.waitForURL(/\/app\/cli\/login\?state=/);
    await expect(page.getByTestId('confirmation-code').textContent()).resolves.toBe(expectedCode);
    await expect(page.getByText('e2e-box').isVisible()).resolves.toBe(true);
    await fillApprovalCode(page, 'ops@example.com'); // enrolled when ops signed in above
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${base}/app/cli/success`);
    const done = await completeCliLogin(base, login);
    expect(done.status).toBe(200);
    expect(done.email).toBe('ops@example.com');
    const body = { token: done.token };
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
    await page.getByTestId('login-cta').click();
    await page.getByRole('button', { name: /outsider@outside\.example/ }).click();
    await page.waitForURL(/\/app\/auth\/error\?reason=domain_not_allowed/);
    await expect(
      page.getByText('Accounts from this domain cannot sign in to this gateway.').isVisible(),
    ).resolves.toBe(true);
    await context.close();
  });
});
