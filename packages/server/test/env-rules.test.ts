import { describe, expect, it } from 'vitest';
import {
  ENV_MASK,
  type EnvPolicy,
  formatEnvText,
  isSecretKey,
  maskEnv,
  mergeEnv,
  parseEnvText,
} from '../src/proxy/env-rules.js';

const policy: EnvPolicy = {
  secretNames: new Set(['LICENSE']),
  protectedNames: new Set(['DATABASE_URL']),
};
const current = parseEnvText(
  'API_TOKEN=tok\nDATABASE_URL=postgres://db\nLICENSE=abc\nPORT=3000\nURL=https://x?a=b',
);

describe('env rules (access-control.md §11)', () => {
  it('classifies secret-looking keys', () => {
    for (const k of [
      'DB_PASSWORD',
      'api_token',
      'MY_SECRET',
      'AWS_ACCESS_KEY_ID',
      'SIGNING_KEY',
      'GCP_CREDENTIALS',
      'license',
    ]) {
      expect(isSecretKey(k, policy), k).toBe(true);
    }
    for (const k of ['PORT', 'KEYBOARD', 'KEY_NAME', 'URL'])
      expect(isSecretKey(k, policy), k).toBe(false);
  });

  it('parses and formats the rack env text, keeping = inside values', () => {
    expect(current.get('URL')).toBe('https://x?a=b');
    expect(formatEnvText(parseEnvText('B=2\nA=1\n'))).toBe('A=1\nB=2');
  });

  it('masks secret and protected values, and everything without convox:env:read', () => {
    expect(Object.fromEntries(maskEnv(current, policy, true))).toEqual({
      API_TOKEN: ENV_MASK,
      DATABASE_URL: ENV_MASK,
      LICENSE: ENV_MASK,
      PORT: '3000',
      URL: 'https://x?a=b',
    });
    expect([...maskEnv(current, policy, false).values()].every((v) => v === ENV_MASK)).toBe(true);
    expect(ENV_MASK).toBe('********************');
  });

  it('a masked value keeps the current one; a full env without a key removes it, except protected keys', () => {
    const requested = parseEnvText(`API_TOKEN=${ENV_MASK}\nLICENSE=${ENV_MASK}\nPORT=4000\nNEW=1`);
    const result = mergeEnv(current, { mode: 'full', env: requested }, policy, false);
    expect(formatEnvText(result.env)).toBe(
      'API_TOKEN=tok\nDATABASE_URL=postgres://db\nLICENSE=abc\nNEW=1\nPORT=4000',
    );
    expect(result.changes.map((c) => `${c.kind}:${c.key}`)).toEqual([
      'set:NEW',
      'set:PORT',
      'unset:URL',
    ]);
  });

  it('refuses a masked value without a current one with 400', () => {
    const write = { mode: 'full' as const, env: new Map([['NEW_SECRET', ENV_MASK]]) };
    expect(() => mergeEnv(current, write, policy, true)).toThrow(
      expect.objectContaining({ reason: 'masked_value_without_current', key: 'NEW_SECRET' }),
    );
  });

  it('refuses changing or explicitly removing a protected key with 403', () => {
    const change = {
      mode: 'patch' as const,
      set: new Map([['DATABASE_URL', 'postgres://other']]),
      remove: [],
    };
    expect(() => mergeEnv(current, change, policy, true)).toThrow(
      expect.objectContaining({ reason: 'protected_env_var' }),
    );
    const remove = { mode: 'patch' as const, set: new Map(), remove: ['DATABASE_URL'] };
    expect(() => mergeEnv(current, remove, policy, true)).toThrow(
      expect.objectContaining({ reason: 'protected_env_var' }),
    );
    const same = {
      mode: 'patch' as const,
      set: new Map([['DATABASE_URL', 'postgres://db']]),
      remove: [],
    };
    expect(mergeEnv(current, same, policy, true).changes).toEqual([]);
  });

  it('needs convox:secret:set for setting, changing or removing a secret key', () => {
    const set = { mode: 'patch' as const, set: new Map([['API_TOKEN', 'new']]), remove: [] };
    expect(() => mergeEnv(current, set, policy, false)).toThrow(
      expect.objectContaining({ reason: 'secret_permission_required', key: 'API_TOKEN' }),
    );
    const removed = mergeEnv(
      current,
      { mode: 'patch', set: new Map(), remove: ['API_TOKEN'] },
      policy,
      true,
    );
    expect(removed.changes).toEqual([
      { key: 'API_TOKEN', kind: 'unset', secret: true, old: 'tok', new: undefined },
    ]);
    expect(removed.env.has('API_TOKEN')).toBe(false);
  });

  it('a patch leaves unmentioned keys alone', () => {
    const result = mergeEnv(
      current,
      { mode: 'patch', set: new Map([['PORT', '1']]), remove: [] },
      policy,
      false,
    );
    expect(result.env.get('URL')).toBe('https://x?a=b');
    expect(result.changes).toHaveLength(1);
  });
});

describe('finding 6: secret-looking values under ordinary names are shown and audited in clear', () => {
  const none: EnvPolicy = { secretNames: new Set(), protectedNames: new Set() };
  const seeded = parseEnvText(
    [
      'CACHE=redis://:r3d1s-pw@cache:6379/0',
      'DATABASE_URL=postgres://app:hunter2@db:5432/app',
      'GH=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'PAYMENTS=sk_live_abcdefghijklmnop',
      'PLAIN_URL=https://example.com/x?a=b',
      'UPLOADS=AKIAABCDEFGHIJKLMNOP',
    ].join('\n'),
  );

  it('classifies PASSWD, PWD, PASS, CREDENTIALS, PRIVATE and _KEY names as secret, by word', () => {
    for (const k of [
      'DB_PASSWD',
      'MYSQL_PWD',
      'SMTP_PASS',
      'GOOGLE_CREDENTIALS',
      'SSH_PRIVATE',
      'STRIPE_KEY',
      'KMS_KEYS',
      'DB_PW',
      'db_passphrase',
    ])
      expect(isSecretKey(k, none), k).toBe(true);
    for (const k of ['BYPASS_CACHE', 'PASSENGER_COUNT', 'COMPASS_URL', 'KEY_NAME', 'MONKEY'])
      expect(isSecretKey(k, none), k).toBe(false);
  });

  it('masks credential values whole and URL passwords alone', () => {
    expect(Object.fromEntries(maskEnv(seeded, none, true))).toEqual({
      CACHE: `redis://:${ENV_MASK}@cache:6379/0`,
      DATABASE_URL: `postgres://app:${ENV_MASK}@db:5432/app`,
      GH: ENV_MASK,
      PAYMENTS: ENV_MASK,
      PLAIN_URL: 'https://example.com/x?a=b',
      UPLOADS: ENV_MASK,
    });
  });

  it('keeps every stored value when the masked view is sent back, and counts value secrets as secret changes', () => {
    const masked = maskEnv(seeded, none, true);
    const same = mergeEnv(seeded, { mode: 'full', env: masked }, none, false);
    expect(same.changes).toEqual([]);
    expect(formatEnvText(same.env)).toBe(formatEnvText(seeded));
    const write = {
      mode: 'patch' as const,
      set: new Map([['PAYMENTS', 'sk_live_zyxwvutsrqponmlk']]),
      remove: [],
    };
    expect(() => mergeEnv(seeded, write, none, false)).toThrow(
      expect.objectContaining({ reason: 'secret_permission_required', key: 'PAYMENTS' }),
    );
    expect(mergeEnv(seeded, write, none, true).changes).toMatchObject([
      { key: 'PAYMENTS', secret: true },
    ]);
  });

  it('refuses a masked URL password in a URL that changed otherwise', () => {
    const moved = new Map([['DATABASE_URL', `postgres://app:${ENV_MASK}@evil.example:5432/app`]]);
    expect(() => mergeEnv(seeded, { mode: 'patch', set: moved, remove: [] }, none, true)).toThrow(
      expect.objectContaining({ reason: 'masked_value_changed', key: 'DATABASE_URL' }),
    );
    const fresh = new Map([['NEW_URL', `postgres://app:${ENV_MASK}@db/x`]]);
    expect(() => mergeEnv(seeded, { mode: 'patch', set: fresh, remove: [] }, none, true)).toThrow(
      expect.objectContaining({ reason: 'masked_value_without_current' }),
    );
  });
});
