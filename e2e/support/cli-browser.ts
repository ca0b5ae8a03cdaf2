// The browser half of a `rack-gateway login --no-browser` in end-to-end tests: an HTTP client with
// a cookie jar that opens the printed URL, picks the account on the mock IdP's sign-in page, comes
// back to the gateway with a web session and presses "Approve" (the approval page's API call, with
// the CSRF token from /info). Demo mode requires MFA: a user who must enrol enrols TOTP over the
// API first, and the approval carries a fresh code (MFA level always).
import { enrolOverApi, freshTotp, secretOf } from './mfa.ts';

interface Page {
  readonly status: number;
  readonly url: string;
  readonly body: string;
  readonly location: string | null;
}

export class CliBrowser {
  /** Cookies by host name (ports do not isolate cookies, as in browsers). */
  private readonly cookies = new Map<string, Map<string, string>>();

  private cookieHeader(url: URL): string {
    return [...(this.cookies.get(url.hostname) ?? new Map<string, string>())]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  private remember(url: URL, lines: string[]): void {
    const jar = this.cookies.get(url.hostname) ?? new Map<string, string>();
    this.cookies.set(url.hostname, jar);
    for (const line of lines) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const expired = /max-age=0/i.test(line);
      if (expired) jar.delete(pair.slice(0, at).trim());
      else jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  async request(
    url: string,
    init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    const target = new URL(url);
    const headers: Record<string, string> = {
      'user-agent': 'rgw-cli-e2e-browser',
      ...init.headers,
    };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(target, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body,
      redirect: 'manual',
    });
    this.remember(target, res.headers.getSetCookie());
    const location = res.headers.get('location');
    return {
      status: res.status,
      url: target.href,
      body: await res.text(),
      location: location ? new URL(location, target).href : null,
    };
  }

  /** Follows redirects until a page that is not a redirect, or one under `/app/` of `stopOrigin`. */
  async follow(url: string, stopOrigin?: string): Promise<Page> {
    let page = await this.request(url);
    for (let hop = 0; page.location !== null && hop < 20; hop++) {
      const next = new URL(page.location);
      if (stopOrigin && next.origin === stopOrigin && next.pathname.startsWith('/app/'))
        return page;
      page = await this.request(page.location);
    }
    return page;
  }

  /** Opens `authUrl`, signs in as `email` at the mock IdP and approves the CLI login. */
  async approveCliLogin(authUrl: string, email: string): Promise<void> {
    const gateway = new URL(authUrl).origin;
    const signIn = await this.follow(authUrl);
    const action = /<form method="post" action="([^"]+\/login)"/.exec(signIn.body)?.[1];
    const escaped = email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const sub = new RegExp(`value="([^"]+)"[^>]*>${escaped}<`).exec(signIn.body)?.[1];
    if (!action || !sub) throw new Error(`no sign-in button for ${email} at ${signIn.url}`);
    const picked = await this.request(new URL(action, signIn.url).href, { form: { sub } });
    if (picked.location) await this.follow(picked.location, gateway);
    const state = new URL(authUrl).searchParams.get('state') ?? '';
    const info = await this.request(`${gateway}/api/v1/info`);
    const me = JSON.parse(info.body) as {
      csrf_token?: string;
      user?: { mfa_state?: string; mfa_enrolled?: boolean };
    };
    let csrf = me.csrf_token ?? '';
    const enrol = me.user?.mfa_state === 'enrolment_required';
    if (enrol) csrf = await enrolOverApi((u, i) => this.request(u, i), gateway, email, csrf);
    const mfa: Record<string, string> =
      enrol || me.user?.mfa_enrolled ? { 'x-mfa-totp': await freshTotp(secretOf(email)) } : {};
    const approved = await this.request(`${gateway}/api/v1/auth/cli/approve`, {
      json: { state },
      headers: { 'x-csrf-token': csrf, origin: gateway, ...mfa },
    });
    if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${approved.body}`);
  }
}
