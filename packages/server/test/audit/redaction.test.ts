// audit.md §10 rules 2 and 3.
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  redactDetails,
  redactQueryString,
  redactText,
} from '../../src/audit/redaction.js';

describe('redaction', () => {
  it('redacts values under secret-looking keys, recursively, case-insensitively', () => {
    expect(
      redactDetails({
        Password: 'p',
        nested: { client_secret: 's', 'API-KEY': 'k', list: [{ Authorization: 'Basic x' }] },
        session_id: '0b4a3b9e-6c1f-4a51-9a9c-3f1e2d4c5b6a',
        sessions_revoked: 3,
        target_api_token_name: 'ci',
        name: 'plain',
      }),
    ).toEqual({
      Password: REDACTED,
      nested: { client_secret: REDACTED, 'API-KEY': REDACTED, list: [{ Authorization: REDACTED }] },
      session_id: '0b4a3b9e-6c1f-4a51-9a9c-3f1e2d4c5b6a',
      sessions_revoked: 3,
      target_api_token_name: 'ci',
      name: 'plain',
    });
  });

  it.each([
    ['rgw_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ==', 'rgw token'],
    ['Bearer abc.def-ghi', 'bearer'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'jwt'],
    ['AKIAABCDEFGHIJKLMNOP', 'aws'],
    ['xoxb-1234567890-abcdef', 'slack'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----', 'pem'],
  ])('replaces %s (%s)', (secret) => {
    const out = redactText(`before ${secret} after`);
    expect(out).toBe(`before ${REDACTED} after`);
  });

  it('keeps the user but hides the password of URL userinfo', () => {
    expect(redactText('DATABASE_URL=postgres://app:hunter2@db:5432/x')).toBe(
      'DATABASE_URL=postgres://app:[REDACTED]@db:5432/x',
    );
  });

  it('redacts query strings by key and by value', () => {
    expect(redactQueryString('app=x&token=abc&next=Bearer%20zzz&flag')).toBe(
      `app=x&token=${REDACTED}&next=${REDACTED}&flag`,
    );
  });

  it.each([
    ['sk_live_abcdefghijklmnop', 'stripe live'],
    ['rk_live_abcdefghijklmnop', 'stripe restricted'],
    ['sk_test_abcdefghijklmnop', 'stripe test'],
    ['ASIAABCDEFGHIJKLMNOP', 'aws session'],
    [`github_pat_${'a'.repeat(30)}`, 'github fine-grained'],
    ['gho_abcdefghijklmnopqrstuvwxyz0123456789', 'github oauth'],
  ])('finding 6: replaces %s (%s)', (secret) => {
    expect(redactText(`before ${secret} after`)).toBe(`before ${REDACTED} after`);
  });

  it('finding 5: redacts query values by key and by value, keeping every other byte', () => {
    const query =
      'service=web&access_token=t0k&PASSWORD=p%40ss&X-Amz-Credential=AK%2F1&sig=s&api_key=k' +
      '&db=postgres%3A%2F%2Fu%3Apw%40h%2Fx&filter=a%20b&limit=10&flag&AWSAccessKeyId=x';
    expect(redactQueryString(query)).toBe(
      'service=web&access_token=[REDACTED]&PASSWORD=[REDACTED]&X-Amz-Credential=[REDACTED]' +
        '&sig=[REDACTED]&api_key=[REDACTED]&db=[REDACTED]&filter=a%20b&limit=10&flag' +
        '&AWSAccessKeyId=[REDACTED]',
    );
    expect(redactQueryString('since=1h&follow=true')).toBe('since=1h&follow=true');
  });

  it('finding 5: redacts query strings inside any string and under the query detail', () => {
    expect(redactText('GET /apps/x/logs?since=1m&token=abc HTTP/1.1')).toBe(
      `GET /apps/x/logs?since=1m&token=${REDACTED} HTTP/1.1`,
    );
    expect(redactDetails({ path: '/apps/x', query: 'token=abc&a=1', key: 'DB_PASSWD' })).toEqual({
      path: '/apps/x',
      query: `token=${REDACTED}&a=1`,
      key: 'DB_PASSWD',
    });
  });
});
