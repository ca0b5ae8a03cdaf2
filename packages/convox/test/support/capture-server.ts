// A raw TCP server that records the exact bytes of each request (request line, headers in order,
// de-chunked body) and answers with a canned response: the client's wire encoding is asserted
// without any HTTP framework in between.
import { createServer, type Server, type Socket } from 'node:net';

export interface CapturedRequest {
  readonly requestLine: string;
  /** Header lines as sent, in order (`Name: value`). */
  readonly headerLines: readonly string[];
  readonly body: Buffer;
  /** Header value by lower-cased name. */
  header(name: string): string | undefined;
}

export interface CaptureServer {
  readonly port: number;
  readonly requests: CapturedRequest[];
  /** The response for subsequent requests: status, content type and body. */
  respond(status: number, contentType: string, body: string): void;
  close(): Promise<void>;
}

function dechunk(raw: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (raw.length < eol + 2 + size + 2) return null;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function parse(buffer: Buffer): CapturedRequest | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [requestLine = '', ...headerLines] = buffer
    .subarray(0, end)
    .toString('latin1')
    .split('\r\n');
  const header = (name: string) =>
    headerLines
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim();
  const rest = buffer.subarray(end + 4);
  let body: Buffer | null = rest;
  if (header('transfer-encoding') === 'chunked') body = dechunk(rest);
  else if (rest.length < Number(header('content-length') ?? '0')) body = null;
  return body && { requestLine, headerLines, body, header };
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let response = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n' };
  const server: Server = createServer((socket: Socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const request = parse(buffer);
      if (!request) return;
      requests.push(request);
      const body = Buffer.from(response.body);
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 ${response.status} X\r\nContent-Type: ${response.contentType}\r\n` +
              `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
          ),
          body,
        ]),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    requests,
    respond(status, contentType, body) {
      response = { status, contentType, body };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
