// Client pieces without a rack: endpoint parsing, the exec trailer protocol, keepalive pings and
// network failures.
import { createServer } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  ExecTrailerParser,
  exitTrailer,
  PING_INTERVAL_MS,
  parseRackUrl,
  RackClient,
  RackNetworkError,
  RackRequestError,
} from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

it('parses a RACK_URL: any password character when percent-encoded, base path kept', () => {
  const endpoint = parseRackUrl(
    'https://convox:p%40%20%C3%A9%25+x@Gateway.Example.com:8443/api/v1/rack-proxy/',
  );
  expect(endpoint).toMatchObject({
    origin: 'https://gateway.example.com:8443',
    host: 'gateway.example.com:8443',
    basePath: '/api/v1/rack-proxy',
    secure: true,
    username: 'convox',
    password: 'p@ é%+x',
  });
  expect(Buffer.from(endpoint.authorization?.slice(6) ?? '', 'base64').toString()).toBe(
    'convox:p%40%20%C3%A9%25+x',
  );
  expect(() => parseRackUrl('https://convox:bad%zz@host')).toThrow(RackRequestError);
  expect(() => parseRackUrl('ftp://host')).toThrow(/http or https/);
  expect(parseRackUrl('http://127.0.0.1:5443').authorization).toBeUndefined();
});

it('splits output from the exit trailer, even inside one frame', () => {
  const parser = new ExecTrailerParser();
  expect(parser.accept(Buffer.from('out\n')).toString()).toBe('out\n');
  expect(parser.accept(Buffer.from(`tail${exitTrailer(42)}`)).toString()).toBe('tail');
  expect(parser.outcome()).toEqual({ exitCode: 42 });
});

it('treats an ERROR after the trailer as a failed exec (exit 1) and no trailer as 0', () => {
  const failed = new ExecTrailerParser();
  failed.accept(Buffer.from(exitTrailer(0)));
  failed.accept(Buffer.from('ERROR: process not found: x\n'));
  expect(failed.outcome()).toEqual({ exitCode: 1, error: 'process not found: x' });
  const plain = new ExecTrailerParser();
  plain.accept(Buffer.from('ERROR: this is output\n'));
  expect(plain.outcome()).toEqual({ exitCode: 0 });
});

it('reports the ECS exec variant as unsupported', () => {
  const parser = new ExecTrailerParser();
  expect(parser.accept(Buffer.from([0, 1, 2])).length).toBe(0);
  expect(parser.outcome()).toEqual({ exitCode: 1, error: 'unsupported rack exec protocol' });
});

it('pings an open socket every 5 s', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as { port: number }).port;
  const pinged = new Promise<void>((resolve) => {
    wss.on('connection', (ws) => ws.once('ping', () => resolve()));
  });
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const client = new RackClient({ url: `http://convox:x@127.0.0.1:${port}` });
  const stream = await client.appLogs('storefront');
  vi.advanceTimersByTime(PING_INTERVAL_MS);
  await pinged;
  stream.close();
  await client.close();
  await new Promise((resolve) => wss.close(resolve));
});

it('wraps connection failures in RackNetworkError', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  const client = new RackClient({ url: `http://convox:x@127.0.0.1:${port}` });
  await expect(client.listApps()).rejects.toBeInstanceOf(RackNetworkError);
  await expect(client.appLogs('x')).rejects.toBeInstanceOf(RackNetworkError);
  await client.close();
});
