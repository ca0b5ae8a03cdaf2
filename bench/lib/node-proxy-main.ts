// A bare Node.js reverse proxy, the suite's "node" variant: node:http in front of the rack through
// undici — what the gateway's proxy path is built on — and nothing else (no authentication, no
// audit, no logging). Its figures are the floor any Node.js gateway on this machine starts from,
// so the gateway's distance from nginx splits into the platform's share and the gateway's own.
// Prints one JSON line with its URL once it listens.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { Agent, type Dispatcher } from 'undici';

const upstream = new URL(process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:1');
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'host',
]);

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

const server = createServer(async (req, res) => {
  try {
    const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
    const up = await agent.request({
      origin: upstream.origin,
      path: req.url ?? '/',
      method,
      headers: endToEnd(req.headers),
      body: method === 'GET' || method === 'HEAD' ? null : req,
    });
    res.writeHead(up.statusCode, endToEnd(up.headers as IncomingHttpHeaders));
    for await (const chunk of up.body) res.write(chunk);
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});

// Upgrades (log sockets) are relayed byte for byte, as nginx relays them.
server.on('upgrade', (req, socket, head) => {
  const up = connect(Number(upstream.port), upstream.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    up.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  up.on('error', () => socket.destroy());
  socket.on('error', () => up.destroy());
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  const port = typeof a === 'object' && a !== null ? a.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
