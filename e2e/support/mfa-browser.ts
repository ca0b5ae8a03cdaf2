// MFA steps a person takes in Chromium (web-ui.md §6, §7.10): enrol TOTP on the security page with
// the secret shown there, pass the login challenge, or type a fresh code on the CLI approval page.
import type { Page } from 'playwright-core';
import { freshTotp, markUsed, rememberSecret, secretOf } from './mfa.ts';

/** Enrols TOTP on /app/account/security: QR + secret, code, backup codes acknowledged. */
export async function enrolInPage(page: Page, email: string): Promise<string[]> {
  await page.getByRole('button', { name: 'Enable MFA' }).click();
  const shown = (await page.getByTestId('totp-secret').textContent()) ?? '';
  rememberSecret(email, shown);
  await page.getByLabel('Code from the app').fill(await freshTotp(secretOf(email)));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByTestId('backup-codes').waitFor();
  const codes = await page.getByTestId('backup-codes').locator('li').allTextContents();
  await page.getByLabel('I saved these codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  return codes;
}

/** Passes the web login challenge on /app/auth/mfa with a fresh code. */
export async function passChallengeInPage(page: Page, email: string): Promise<void> {
  await page
    .getByLabel('Authentication code or backup code')
    .fill(await freshTotp(secretOf(email)));
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** After an IdP sign-in: enrol or pass the challenge when the gateway asks for it. */
export async function completeMfaInPage(page: Page, email: string): Promise<void> {
  await page.waitForURL((u) => u.pathname !== '/' && u.pathname.startsWith('/app/'));
  const path = new URL(page.url()).pathname;
  if (path === '/app/account/security') await enrolInPage(page, email);
  else if (path === '/app/auth/mfa') await passChallengeInPage(page, email);
}

/** Types a fresh code into the CLI approval page's field (MFA level always). */
export async function fillApprovalCode(page: Page, email: string): Promise<void> {
  const secret = secretOf(email);
  await page.getByLabel(/required to approve/).fill(await freshTotp(secret));
  markUsed(secret);
}
