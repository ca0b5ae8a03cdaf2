// Picks an account on the mock IdP's sign-in page the way a person does: reads the page's form
// and submits the button of that account, then follows the redirects back to the relying party.
import { type BrowserResponse, last, type TestBrowser } from './test-browser.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The account button value (subject) and form action on a sign-in page. */
export function parseSignInPage(
  page: BrowserResponse,
  account: string,
): { action: string; sub: string } {
  const action = /<form method="post" action="([^"]+\/login)"/.exec(page.body)?.[1];
  const sub = new RegExp(`value="([^"]+)"[^>]*>${escapeRegex(account)}<`).exec(page.body)?.[1];
  if (action === undefined || sub === undefined) {
    throw new Error(`no sign-in button for ${account} on ${page.url} (status ${page.status})`);
  }
  return { action: new URL(action, page.url).href, sub };
}

/**
 * On the sign-in page `page`, picks `account` (an e-mail, or the label of an account without one)
 * and follows redirects; `stop` ends the walk before a location (e.g. a CLI loopback URL).
 */
export async function pickAccount(
  browser: TestBrowser,
  page: BrowserResponse,
  account: string,
  stop?: (next: URL) => boolean,
): Promise<BrowserResponse[]> {
  const { action, sub } = parseSignInPage(page, account);
  const posted = await browser.request(action, { form: { sub } });
  if (posted.location === null) return [posted];
  return [posted, ...(await browser.follow(posted.location, stop ? { stop } : {}))];
}

/** Follows `url` to the mock IdP page, picks `account` and follows back; returns the history. */
export async function signInThroughIdp(
  browser: TestBrowser,
  url: string,
  account: string,
  options: { stop?: (next: URL) => boolean; headers?: Record<string, string> } = {},
): Promise<BrowserResponse[]> {
  const toPage = await browser.follow(url, options.headers ? { headers: options.headers } : {});
  const page = last(toPage);
  return [...toPage, ...(await pickAccount(browser, page, account, options.stop))];
}
