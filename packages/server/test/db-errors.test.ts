import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnreachable } from '../src/http/db-errors.js';
import { mapError } from '../src/http/error-mapper.js';

describe('database outages map to 503', () => {
  it('recognises a refused connection from the pg driver', async () => {
    const client = new pg.Client({
      connectionString: 'postgres://u:p@127.0.0.1:1/db',
      connectionTimeoutMillis: 2000,
    });
    const err = await client.connect().catch((e: unknown) => e);
    expect(isDatabaseUnreachable(err)).toBe(true);
    expect(mapError(err, 'req-1')).toMatchObject({
      status: 503,
      body: { error: 'database_unavailable' },
      headers: { 'retry-after': '5' },
    });
  });

  it('recognises shutdown codes, also when wrapped, and leaves other errors alone', () => {
    const shutdown = Object.assign(
      new Error('terminating connection due to administrator command'),
      { code: '57P01' },
    );
    expect(isDatabaseUnreachable(new Error('query failed', { cause: shutdown }))).toBe(true);
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(isDatabaseUnreachable(syntax)).toBe(false);
    expect(mapError(syntax, 'req-2').status).toBe(500);
  });
});
