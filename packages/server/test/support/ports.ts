import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1, chosen below the kernel's ephemeral range
 * (32768–60999 on Linux): a port from `listen(0)` comes from that range, so between closing the
 * probe and the real listen any outgoing connection could be handed the same port (EADDRINUSE).
 * Ports below it are never given to outgoing connections.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canListen(port)) return port;
    if (attempt > 50) throw new Error('no free port found between 20000 and 32000');
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
