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
});
