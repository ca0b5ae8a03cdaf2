// The rack through the gateway's rack proxy (cli.md §6): the typed client of @rack-gateway/convox
// pointed at `<gateway>/api/v1/rack-proxy` with Basic `convox:<credential>`. Every call goes
// through the MFA handler (retry with inline MFA) and reads also through the 429 retry.
import { type RackClient as Client, RackClient } from '@rack-gateway/convox';
import type { Dispatcher } from 'undici';
import type { InlineMfa, MfaHandler } from '../gateway/mfa.js';
import { retryRateLimited } from '../gateway/rate-limit-retry.js';
import { CLI_VERSION } from '../version.js';

export interface RackAccessOptions {
  readonly gatewayUrl: string;
  readonly credential: string;
  readonly dispatcher: Dispatcher;
  readonly insecureTls: boolean;
  readonly mfa: MfaHandler;
  readonly interrupt: AbortSignal;
}

/** `scheme://convox:<credential>@host[:port][/path]/api/v1/rack-proxy`. */
export function rackProxyUrl(gatewayUrl: string, credential: string): URL {
  const url = new URL(`${gatewayUrl}/api/v1/rack-proxy`);
  url.username = 'convox';
  url.password = credential;
  return url;
}

export class RackAccess {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly options: RackAccessOptions) {}

  private client(inline: InlineMfa): Client {
    const key = JSON.stringify(inline);
    let client = this.clients.get(key);
    if (client === undefined) {
      client = new RackClient({
        url: rackProxyUrl(this.options.gatewayUrl, this.options.credential),
        version: CLI_VERSION,
        headers: inline,
        dispatcher: this.options.dispatcher,
        insecureTls: this.options.insecureTls,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** A reading call (GET or log socket): MFA retry and up to two 429 retries. */
  read<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    return this.options.mfa.run((inline) =>
      retryRateLimited(() => fn(this.client(inline)), this.options.interrupt),
    );
  }

  /** A changing call: MFA retry only. */
  write<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    return this.options.mfa.run((inline) => fn(this.client(inline)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
  }
}
