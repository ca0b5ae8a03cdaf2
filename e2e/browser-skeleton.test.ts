// Chromium loads the web client from a running gateway with the strict CSP: no console errors,
// no CSP violations.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from './support/browser.ts';
import { type GatewayProcess, startDemoGateway } from './support/gateway-process.ts';

const executable = chromiumPath();

describe.skipIf(executable === null)('web client in Chromium', () => {
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

  it('renders the landing page without console errors or CSP violations', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning')
        problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const response = await page.goto(`http://localhost:${gateway.port}/app/`, {
      waitUntil: 'networkidle',
    });
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Rack Gateway' }).isVisible()).resolves.toBe(
      true,
    );
    // The button names the provider (OIDC_DISPLAY_NAME, "demo login" in demo mode).
    await expect(
      page.getByRole('link', { name: 'Continue with demo login', exact: true }).isVisible(),
    ).resolves.toBe(true);
    expect(await page.textContent('footer')).toMatch(/Version \d+\.\d+\.\d+/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
