// MFA in Chromium against demo mode, which requires MFA like production (identity.md §3, §4,
// §14; web-ui.md §6, §7.10): a demo user signing in is sent to enrolment, enrols TOTP with a code
// computed from the secret the page shows, keeps the backup codes and reaches the app; the next
// sign-in asks for a code (a backup code works) and "trust this device" skips the one after. CLI
// approval always needs a fresh code; a user who must still enrol goes through enrolment and back
// to the approval page; the CLI session then passes step-up routes (the native convox client
// included) without another code. Strict CSP, no console errors.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from './support/browser.ts';
import { type GatewayProcess, startDemoGateway } from './support/gateway-process.ts';
import { enrolInPage, fillApprovalCode } from './support/mfa-browser.ts';
import { completeCliLogin, startHeadlessCliLogin } from './support/sign-in.ts';

const executable = chromiumPath();

async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, problems };
}

const account = (email: string) => new RegExp(email.replace(/[.@]/g, '\\$&'));

describe.skipIf(executable === null)('MFA in Chromium (demo mode)', () => {
  let gateway: GatewayProcess;
  let browser: Browser;
  let base: string;
  let context: BrowserContext;
  let backupCodes: string[] = [];

  beforeAll(async () => {
    gateway = await startDemoGateway();
    base = `http://localhost:${gateway.port}`;
    browser = await launchChromium(executable ?? '');
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  async function signInAs(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/app/login`);
    await page.getByTestId('login-cta').click();
    await page.getByRole('button', { name: account(email) }).click();
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/app/login`);
  }

  it('first sign-in: enrolment with the secret shown on the page, backup codes, then the app', async () => {
    const { page, problems } = await watchedPage(context);
    await signInAs(page, 'deployer@example.com');
    await page.waitForURL(
      `${base}/app/account/security?enrollment=required&redirect=%2Fapp%2Frack`,
    );
    await expect(
      page.getByText('Set up multi-factor authentication before you continue.').isVisible(),
    ).resolves.toBe(true);
    const blocked = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    expect(blocked).toBe(403);
    problems.length = 0; // the refused fetch above is logged by Chromium; nothing else may be
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    const qr = await page.getByAltText('QR code for your authenticator app').getAttribute('src');
    expect(qr).toMatch(/^data:image\/gif;base64,/);
    await page.getByRole('button', { name: 'Enable MFA' }).waitFor({ state: 'detached' });
    await page.goto(page.url()); // start again: a new secret, the old unconfirmed method is gone
    backupCodes = await enrolInPage(page, 'deployer@example.com');
    expect(backupCodes).toHaveLength(10);
    for (const code of backupCodes) expect(code).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    await page.waitForURL(`${base}/app/rack`);
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe(
      'Signed in as deployer@example.com',
    );
    expect(problems).toEqual([]);
  });

  it('the next sign-in asks for a code: a typed backup code works and "trust this device" is kept', async () => {
    const { page, problems } = await watchedPage(context);
    await page.goto(`${base}/app/rack`);
    await signOut(page);
    await signInAs(page, 'deployer@example.com');
    await page.waitForURL(`${base}/app/auth/mfa?redirect=%2Fapp%2Frack`);
    const typed = (backupCodes[0] ?? '').toLowerCase();
    await page.getByLabel('Authentication code or backup code').fill(typed);
    await page.getByLabel(/Trust this device for 30 days/).check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${base}/app/rack`);
    await signOut(page);
    await signInAs(page, 'deployer@example.com');
    await page.waitForURL(`${base}/app/rack`);
    await page.goto(`${base}/app/account/security`);
    await expect(page.getByTestId('backup-code-count').textContent()).resolves.toBe(
      'Backup codes: 9 of 10 unused',
    );
    await expect(page.getByText('(this device)').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('CLI approval needs a fresh code even on a trusted device; the CLI session can deploy at once', async () => {
    const { page, problems } = await watchedPage(context);
    const login = await startHeadlessCliLogin(base);
    await page.goto(login.authUrl);
    await page.getByRole('button', { name: account('deployer@example.com') }).click();
    await page.waitForURL(/\/app\/cli\/login\?state=/);
    const approve = page.getByRole('button', { name: 'Approve' });
    await expect(approve.isDisabled()).resolves.toBe(true);
    await fillApprovalCode(page, 'deployer@example.com');
    await approve.click();
    await page.waitForURL(`${base}/app/cli/success`);
    const done = await completeCliLogin(base, login);
    expect(done.status).toBe(200);
    // The native convox client: Basic convox:<token>; the approval's verification is the step-up.
    const basic = `Basic ${Buffer.from(`convox:${done.token}`).toString('base64')}`;
    const restart = await fetch(`${base}/api/v1/rack-proxy/apps/storefront/restart`, {
      method: 'POST',
      headers: { authorization: basic },
    });
    expect(restart.status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('a user who must still enrol goes from the CLI login through enrolment back to approval', async () => {
    const fresh = await browser.newContext();
    const { page, problems } = await watchedPage(fresh);
    const login = await startHeadlessCliLogin(base, 'ops-laptop');
    await page.goto(login.authUrl);
    await page.getByRole('button', { name: account('ops@example.com') }).click();
    await page.waitForURL(/\/app\/account\/security\?enrollment=required&channel=cli&state=/);
    await expect(
      page.getByText('MFA enrollment required for CLI login.').isVisible(),
    ).resolves.toBe(true);
    await enrolInPage(page, 'ops@example.com');
    await page.waitForURL(/\/app\/cli\/login\?state=/);
    await fillApprovalCode(page, 'ops@example.com');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${base}/app/cli/success`);
    expect((await completeCliLogin(base, login)).status).toBe(200);
    expect(problems).toEqual([]);
    await fresh.close();
  });
});
