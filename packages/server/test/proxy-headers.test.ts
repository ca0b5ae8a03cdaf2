import { describe, expect, it } from 'vitest';
import type { RackConnection } from '../src/config/types.js';
import {
  actorHeaderValue,
  downstreamHeaders,
  envOverrideHeader,
  upstreamHeaders,
} from '../src/proxy/headers.js';

const rack: RackConnection = {
  url: new URL('http://127.0.0.1:5443'),
  username: 'convox',
  token: 'rack-secret',
};
const who = { actor: 'deployer@example.com', email: 'deployer@example.com', requestId: 'req-1' };

describe('proxy headers (convox-rack-api.md §5.2, §5.4)', () => {
  it('replaces the client credential with the rack credential and strips identity and cookies', () => {
    const out = upstreamHeaders(
      {
        authorization: 'Basic Y29udm94OnJnd190b2tlbg==',
        cookie: 'rgw_session=abc',
        'x-user-email': 'admin@example.com',
        'x-convox-actor': 'someone-else',
        'x-mfa-totp': '123456',
        rack: 'other',
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '12',
        'user-agent': 'convox.go/3.24.6',
        command: 'sleep 3600',
        connection: 'keep-alive, X-Secret-Hop',
        'x-secret-hop': 'drop me',
      },
      rack,
      who,
      { websocket: false },
    );
    expect(out).toEqual({
      authorization: `Basic ${Buffer.from('convox:rack-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '12',
      'user-agent': 'convox.go/3.24.6',
      command: 'sleep 3600',
      'x-user-email': 'deployer@example.com',
      'x-convox-actor': 'deployer@example.com',
      'x-request-id': 'req-1',
    });
  });

  it('drops the WebSocket handshake headers the client library computes', () => {
    const out = upstreamHeaders(
      {
        'sec-websocket-key': 'k',
        'sec-websocket-version': '13',
        upgrade: 'websocket',
        tty: 'false',
      },
      rack,
      who,
      { websocket: true },
    );
    expect(Object.keys(out).sort()).toEqual([
      'authorization',
      'tty',
      'x-convox-actor',
      'x-request-id',
      'x-user-email',
    ]);
  });

  it('never relays Set-Cookie or hop-by-hop headers to the client', () => {
    expect(
      downstreamHeaders({
        'set-cookie': ['a=b'],
        'transfer-encoding': 'chunked',
        'content-type': 'application/json',
        'request-id': 'abc',
      }),
    ).toEqual({ 'content-type': 'application/json', 'request-id': 'abc' });
  });

  it('cleans the actor of control characters and caps it at 256 characters', () => {
    expect(actorHeaderValue('api-token:ci\r\n(x@example.com)\u0000')).toBe(
      'api-token:ci(x@example.com)',
    );
    expect(actorHeaderValue('a'.repeat(300))).toHaveLength(256);
  });

  it('spots a non-empty env override header', () => {
    expect(envOverrideHeader({ env: 'A=1' })).toBe('env');
    expect(envOverrideHeader({ 'release-env': '  ' })).toBeNull();
    expect(envOverrideHeader({})).toBeNull();
  });
});
