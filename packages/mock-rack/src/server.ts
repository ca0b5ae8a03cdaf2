// The mock rack's HTTP server. For now it answers its health probe; the rack API is built on this.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockRackOptions {
  /** Port to listen on; 0 picks a free one. Default 5443. */
  readonly port?: number;
  readonly host?: string;
  /** Rack password; undefined accepts any credentials. */
  readonly password?: string;
}

export interface MockRack {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startMockRack(options: MockRackOptions = {}): Promise<MockRack> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok","service":"mock-rack"}\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5443, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
