// A small "browser" for integration tests: fetch with a cookie jar (scoped by host name, as
// browsers do — ports do not isolate cookies), manual redirect following with a visible history,
// and form posts. Used to drive the real OIDC flow between the gateway and the mock IdP.

export interface BrowserResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
  /** Absolute Location of a redirect, if any. */
  readonly location: string | null;
}

interface StoredCookie {
  value: string;
  expires: number | null;
}

function parseSetCookie(
  line: string,
  now: number,
): { name: string; value: string; expires: number | null } | null {
  const [pair = '', ...attrs] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  let expires: number | null = null;
  for (const attr of attrs) {
    const [k = '', v = ''] = attr.split('=').map((s) => s.trim());
    if (k.toLowerCase() === 'max-age') expires = now + Number(v) * 1000;
    else if (k.toLowerCase() === 'expires' && expires === null) expires = Date.parse(v);
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), expires };
}

export class CookieJar {
  private readonly hosts = new Map<string, Map<string, StoredCookie>>();

  store(url: URL, setCookies: readonly string[], now = Date.now()): void {
    for (const line of setCookies) {
      const parsed = parseSetCookie(line, now);
      if (parsed === null) continue;
      const jar = this.hosts.get(url.hostname) ?? new Map<string, StoredCookie>();
      this.hosts.set(url.hostname, jar);
      if (parsed.expires !== null && parsed.expires <= now) jar.delete(parsed.name);
      else jar.set(parsed.name, { value: parsed.value, expires: parsed.expires });
    }
  }

  get(host: string, name: string): string | undefined {
    return this.hosts.get(host)?.get(name)?.value;
  }

  set(host: string, name: string, value: string): void {
    const jar = this.hosts.get(host) ?? new Map<string, StoredCookie>();
    this.hosts.set(host, jar);
    jar.set(name, { value, expires: null });
  }

  delete(host: string, name: string): void {
    this.hosts.get(host)?.delete(name);
  }

  header(url: URL): string {
    const jar = this.hosts.get(url.hostname);
    if (!jar) return '';
    return [...jar.entries()].map(([k, c]) => `${k}=${c.value}`).join('; ');
  }
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly form?: Record<string, string>;
  readonly json?: unknown;
}

export class TestBrowser {
  readonly jar = new CookieJar();
  constructor(readonly userAgent = 'rgw-test-browser/1.0') {}

  /** One request, no redirect following. */
  async request(url: string, options: RequestOptions = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...options.headers };
    const cookie = this.jar.header(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(target, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    this.jar.store(target, res.headers.getSetCookie());
    const location = res.headers.get('location');
    return {
      status: res.status,
      url: target.href,
      headers: res.headers,
      body: await res.text(),
      location: location === null ? null : new URL(location, target).href,
    };
  }

  /**
   * Follows redirects (GET) from `url` until a non-redirect answer or until `stop(url)` is true
   * for the next location; returns every response in order.
   */
  async follow(
    url: string,
    options: RequestOptions & { stop?: (next: URL) => boolean; maxHops?: number } = {},
  ): Promise<BrowserResponse[]> {
    const history: BrowserResponse[] = [];
    let next: string | null = url;
    let current: RequestOptions = options;
    for (let hop = 0; next !== null && hop < (options.maxHops ?? 20); hop++) {
      const res = await this.request(next, current);
      history.push(res);
      current = {};
      next = res.status >= 300 && res.status < 400 ? res.location : null;
      if (next !== null && options.stop?.(new URL(next))) break;
    }
    return history;
  }
}

export const last = <T>(items: readonly T[]): T => {
  const item = items[items.length - 1];
  if (item === undefined) throw new Error('empty history');
  return item;
};
