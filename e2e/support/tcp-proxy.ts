// A loopback TCP proxy that can be stopped and started again: a database "outage" on demand.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function tcpProxy(port: number, target: { host: string; port: number }): TcpProxy {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  return {
    port,
    start() {
      return new Promise((resolve, reject) => {
        server = createServer((client) => {
          const upstream = createConnection(target);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => undefined);
          }
          client.pipe(upstream).pipe(client);
          client.on('close', () => upstream.destroy());
          upstream.on('close', () => client.destroy());
        });
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
    },
    stop() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => {
        if (server === null) return resolve();
        server.close(() => resolve());
        server = null;
      });
    },
  };
}
