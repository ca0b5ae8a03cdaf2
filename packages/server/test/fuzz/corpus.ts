// The fuzz corpus: hostile inputs every route must refuse (or serve) with a 4xx JSON error, never
// a 5xx. Each entry has the form it takes in a URL (`raw`, already percent-encoded, used as a path
// segment and a query value) and as a JSON body value (`value`). The pentest of issue 10 found NUL
// bytes and year-0000 dates answered 500; they are here next to the usual suspects.

export interface HostileInput {
  readonly name: string;
  /** As it appears in a URL path segment or query value (percent-encoded where needed). */
  readonly raw: string;
  /** As a JSON value in a request body. */
  readonly value: unknown;
}

const text = (name: string, value: string): HostileInput => ({
  name,
  raw: encodeURIComponent(value),
  value,
});

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  text('NUL byte', '\u0000'),
  text('NUL inside a value', 'admin@example.com\u0000.evil'),
  text('other C0 control characters', '\u0001\u0007\b\u001b[31m\u007f'),
  text('CR LF (header injection)', 'x\r\nSet-Cookie: a=b'),
  text('line and paragraph separators', '\u2028\u2029'),
  text('overlong string (10 000 chars)', 'x'.repeat(10_000)),
  text('overlong string (600 chars, over the router limit)', 'y'.repeat(600)),
  { name: 'invalid UTF-8 escape %C0%AF', raw: '%C0%AF', value: '\u00c0\u00af' },
  { name: 'invalid UTF-8 escape %FF', raw: '%FF', value: '\uffff' },
  { name: 'lone surrogate escape %ED%A0%80', raw: '%ED%A0%80', value: '\ud800' },
  { name: 'truncated percent escape', raw: '%E2%82', value: '%E2%82' },
  { name: 'bare percent sign', raw: '%', value: '%' },
  text('huge number', '99999999999999999999999999999999'),
  text('negative number', '-1'),
  text('zero', '0'),
  text('float overflow', '1e309'),
  text('NaN', 'NaN'),
  text('year-0000 date', '0000-01-01T00:00:00Z'),
  text('year-0001 date one hour before the epoch of PostgreSQL', '0001-01-01T00:00:00+01:00'),
  text('year-10000 date', '10000-01-01T00:00:00Z'),
  text('negative-year date', '-000001-01-01T00:00:00Z'),
  text('impossible date (30 February)', '2024-02-30T00:00:00Z'),
  text('date without an offset', '2024-01-01T00:00:00'),
  text('path traversal', '../../../etc/passwd'),
  { name: 'encoded path traversal in the path', raw: '..%2F..%2Fetc%2Fpasswd', value: '..\\..\\' },
  text('SQL injection', "' OR 1=1; DROP TABLE users; --"),
  text('LIKE wildcards', '%_%\\'),
  text('markup', '<script>alert(1)</script>'),
  text('template injection', ['$', '{jndi:ldap://x}{{7*7}}%s%n'].join('')),
  text('unicode (RTL override, emoji, combining)', '\u202egnp.exe\ud83d\udca9e\u0301'),
  { name: 'wrong type: array', raw: 'a&x[]=1', value: ['a', 'b'] },
  { name: 'wrong type: object', raw: 'a&x[y]=1', value: { nested: { deeper: true } } },
  { name: 'wrong type: number', raw: '12', value: 12 },
  { name: 'wrong type: boolean', raw: 'true', value: true },
  { name: 'wrong type: null', raw: 'null', value: null },
];

/** Query keys the routes read (dates, search, pagination, login state, …), all set at once. */
export const QUERY_KEYS = [
  'search',
  'app',
  'start',
  'end',
  'range',
  'limit',
  'cursor',
  'status',
  'user',
  'user_id',
  'action',
  'action_type',
  'resource',
  'resource_type',
  'ip',
  'view',
  'format',
  'key',
  'state',
  'code',
  'returnTo',
  'keep_current',
  'since',
  'follow',
] as const;

/** Query keys also sent alone on reads (dates, free text, names, pagination). */
export const SINGLE_QUERY_KEYS = ['start', 'end', 'search', 'app', 'limit', 'cursor'] as const;

/** JSON body fields the routes read, all set to the hostile value at once. */
export const BODY_KEYS = [
  'email',
  'name',
  'role',
  'roles',
  'device_name',
  'device_os',
  'client_version',
  'code_challenge',
  'code_challenge_method',
  'code_verifier',
  'state',
  'code',
  'permissions',
  'expires_at',
  'method',
  'method_id',
  'key',
  'value',
  'env',
  'changes',
  'label',
  'trust_device',
  'from_seq',
  'to_seq',
] as const;

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Raw request bodies sent as application/json. */
export const HOSTILE_BODIES: readonly {
  readonly name: string;
  readonly payload: string | Buffer;
  /** Sent instead of application/json (null: no Content-Type at all). */
  readonly contentType?: string | null;
}[] = [
  {
    name: 'form body',
    payload: 'email=%00&name=x',
    contentType: 'application/x-www-form-urlencoded',
  },
  { name: 'plain text body', payload: 'hello\u0000', contentType: 'text/plain' },
  {
    name: 'multipart body',
    payload: '--x\r\n\r\n--x--',
    contentType: 'multipart/form-data; boundary=x',
  },
  {
    name: 'JSON with a charset that is not UTF-8',
    payload: '{}',
    contentType: 'application/json; charset=utf-16',
  },
  { name: 'body without Content-Type', payload: '{"a":1}', contentType: null },
  { name: 'truncated JSON', payload: '{"a":' },
  { name: 'trailing garbage', payload: '{"a":1}}' },
  { name: 'single quotes', payload: "{'a':1}" },
  { name: 'empty body', payload: '' },
  { name: 'top-level string', payload: '"just a string"' },
  { name: 'top-level number', payload: '1e999' },
  { name: 'top-level null', payload: 'null' },
  { name: 'top-level array', payload: '[1,2,3]' },
  { name: 'NUL escaped in a key', payload: '{"\\u0000":"x"}' },
  { name: 'wide array (300 000 elements)', payload: `[${'0,'.repeat(299_999)}0]` },
  { name: 'deeply nested arrays (5 000 levels)', payload: nested(5_000) },
  {
    name: 'deeply nested objects (200 levels)',
    payload: `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`,
  },
  {
    name: 'prototype pollution',
    payload: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  },
  {
    name: 'raw invalid UTF-8 bytes',
    payload: Buffer.from('7b226e616d65223a22fffec0af227d', 'hex'),
  },
];
