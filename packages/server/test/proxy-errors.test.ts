import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../src/http/errors.js';
import { isNativeConvoxClient, sendProxyError, wantsJson } from '../src/proxy/proxy-errors.js';

const denied = new ForbiddenError(
  'permission_denied',
  "You don't have permission to perform this action (requires convox:release:promote).",
  {
    headers: { 'x-required-permission': 'convox:release:promote' },
    extra: { permission: 'convox:release:promote' },
  },
);

async function call(accept: string) {
  const app = Fastify();
  app.get('/x', (request, reply) => sendProxyError(request, reply, denied));
  const res = await app.inject({ method: 'GET', url: '/x', headers: { accept } });
  await app.close();
  return res;
}

describe('proxy error format (convox-rack-api.md §5.5)', () => {
  it('answers text for the native client with gateway markers and a non-empty body', async () => {
    const res = await call('*/*');
    expect(res.statusCode).toBe(403);
    expect(res.body).toBe(
      "You don't have permission to perform this action (requires convox:release:promote).\n",
    );
    expect(res.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'x-error-source': 'gateway',
      'x-error-reason': 'permission_denied',
      'x-required-permission': 'convox:release:promote',
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers JSON with error, code and permission when the client accepts JSON', async () => {
    const res = await call('application/json; charset=utf-8');
    expect(res.json()).toEqual({
      error: "You don't have permission to perform this action (requires convox:release:promote).",
      code: 'permission_denied',
      permission: 'convox:release:promote',
    });
    expect(res.body.endsWith('\n')).toBe(true);
  });

  it('recognises Accept lists and the convox.go agent', () => {
    expect(wantsJson('text/html, application/json;q=0.9')).toBe(true);
    expect(wantsJson('application/jsonx')).toBe(false);
    expect(isNativeConvoxClient('convox.go/3.24.6')).toBe(true);
    expect(isNativeConvoxClient('rack-gateway/0.1.0')).toBe(false);
  });
});
