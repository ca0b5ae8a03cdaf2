// Chromium for browser tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by
// playwright-core. Without it the suite is skipped loudly, unless REQUIRE_BROWSER=1.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
  if (existsSync(candidate)) return candidate;
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(
      `REQUIRE_BROWSER=1 but Chromium was not found at ${candidate}: apt-get install chromium or set CHROMIUM_PATH`,
    );
  }
  console.warn(
    `\n*** Chromium not found at ${candidate}: browser tests are SKIPPED (set CHROMIUM_PATH or install chromium) ***\n`,
  );
  return null;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
