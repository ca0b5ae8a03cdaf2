// The loopback redirect target of the browser login (cli.md §4.1 step 5): `GET /callback` on
// 127.0.0.1 only. A callback with another state gets a 400 page and the wait goes on; with `code`
// the browser is sent to the gateway's success page, with `error` to the denied or error page.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CallbackResult = { readonly code: string } | { readonly error: string };

const LOCAL_PEERS = new Set(['127.0.0.1', '::ffff:127.0.0.1']);

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(`${text}\n`);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

export class LoopbackListener {
  private expected: { state: string; gatewayUrl: string } | undefined;
  private settle: ((result: CallbackResult) => void) | undefined;
  private readonly result: Promise<CallbackResult>;

  private constructor(private readonly server: Server) {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
    server.on('request', (req, res) => this.handle(req, res));
  }

  static async start(): Promise<LoopbackListener> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new LoopbackListener(server);
  }

  get redirectUri(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callback`;
  }

  /** Accepts callbacks for this state from now on. */
  expect(state: string, gatewayUrl: string): void {
    this.expected = { state, gatewayUrl };
  }

  /** The first callback carrying our state; rejects when `signal` aborts. */
  wait(signal: AbortSignal): Promise<CallbackResult> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.then((r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      });
    });
  }

  /** Why a request is not our callback: [status, text], or undefined when it is. */
  private refusal(req: IncomingMessage, url: URL): [number, string] | undefined {
    if (!LOCAL_PEERS.has(req.socket.remoteAddress ?? '')) return [403, 'Forbidden'];
    if (req.method !== 'GET' || url.pathname !== '/callback') return [404, 'Not found'];
    if (this.expected === undefined || url.searchParams.get('state') !== this.expected.state)
      return [400, 'This sign-in does not belong to the running rack-gateway login.'];
    if (!url.searchParams.get('code') && !url.searchParams.get('error'))
      return [400, 'The callback carries neither a code nor an error.'];
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = this.refusal(req, url);
    const gatewayUrl = this.expected?.gatewayUrl;
    if (refused !== undefined || gatewayUrl === undefined) {
      page(res, refused?.[0] ?? 400, refused?.[1] ?? 'Bad request');
      return;
    }
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error') ?? '';
    if (code) {
      redirect(res, `${gatewayUrl}/app/cli/success`);
      this.settle?.({ code });
      return;
    }
    const target =
      error === 'login_denied'
        ? '/app/cli/denied'
        : `/app/auth/error?reason=${encodeURIComponent(error)}`;
    redirect(res, `${gatewayUrl}${target}`);
    this.settle?.({ error });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}
