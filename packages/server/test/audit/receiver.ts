// A local SIEM receiver for the webhook suites: records each accepted batch; `status` simulates an
// outage (non-200 answers are not recorded).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Receiver {
  readonly url: URL;
  readonly batches: { headers: IncomingHttpHeaders; body: string }[];
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const state = { status: 200 };
  const batches: Receiver['batches'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (state.status === 200) batches.push({ headers: req.headers, body });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return {
    url: new URL(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/siem`),
    batches,
    get status() {
      return state.status;
    },
    set status(v: number) {
      state.status = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
