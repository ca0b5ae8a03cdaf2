// The mock IdP's HTTP server. For now it answers its health probe; the OIDC provider is built on this.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockIdpClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export interface MockIdpOptions {
  /** Port to listen on; 0 picks a free one. Default 3345. */
  readonly port?: number;
  readonly host?: string;
  readonly clients?: readonly MockIdpClient[];
}

export interface MockIdp {
  /** Issuer URL (http://localhost:<port>). */
  readonly issuer: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok","service":"mock-idp"}\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3345, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
