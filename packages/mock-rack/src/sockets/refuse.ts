// Refusing a handshake with a plain HTTP response written on the raw socket, formatted like Go's
// `http.Error` (text body, nosniff) so it matches what a rack sends.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function refuse(
  socket: Duplex,
  now: number,
  status: number,
  body: string,
  extra: Readonly<Record<string, string>> = {},
): void {
  const bytes = Buffer.from(body, 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    ...extra,
    'X-Content-Type-Options': 'nosniff',
    Date: new Date(now).toUTCString(),
    'Content-Length': String(bytes.length),
    Connection: 'close',
  };
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  if (!socket.writable) return;
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bytes]));
}
