// Wire codecs against the examples of convox-rack-api.md §2.3–2.4, §3.1–3.2 and §9.1.
import { describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  decodeGoForm,
  decodeObject,
  encodeGoForm,
  encodeObject,
  formatGoDuration,
  formatGoJson,
  formatGoJsonCompact,
  type GoJsonValue,
  GoMap,
  goQueryEscape,
  parseBasicAuthorization,
  parseGoDuration,
  RackTime,
  RELEASE_SCHEMA,
} from '../src/index.js';

describe('Go form encoding (§2.4)', () => {
  it('encodes the acceptance example with sorted keys', () => {
    expect(encodeGoForm({ 'parent-release': 'R1', env: 'A=1\nB=x y' })).toBe(
      'env=A%3D1%0AB%3Dx+y&parent-release=R1',
    );
  });

  it("escapes ! * ' ( ) and keeps - _ . ~ literal", () => {
    expect(goQueryEscape("a*b'c!(d)-_.~ é/")).toBe('a%2Ab%27c%21%28d%29-_.~+%C3%A9%2F');
  });

  it('sorts keys by byte order, repeats multi-valued keys in order', () => {
    expect(encodeGoForm({ b: ['2', '1'], B: '0', a: '' })).toBe('B=0&a=&b=2&b=1');
  });

  it('decodes what it encodes, including + and %XX', () => {
    const form = decodeGoForm('env=A%3D1%0AB%3Dx+y&flag&parent-release=R1');
    expect(form.get('env')).toEqual(['A=1\nB=x y']);
    expect(form.get('flag')).toEqual(['']);
    expect(() => decodeGoForm('a=%zz')).toThrow(/invalid URL escape/);
  });
});

describe('Go durations (§2.3)', () => {
  it.each([
    [120_000, '2m0s'],
    [5_000, '5s'],
    [3_600_000, '1h0m0s'],
    [500, '500ms'],
    [1_500, '1.5s'],
    [0, '0s'],
    [0.001, '1µs'],
    [0.000_001, '1ns'],
    [5_430_500, '1h30m30.5s'],
  ])('%d ms formats as %s and parses back', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it('rejects what Go rejects', () => {
    expect(() => parseGoDuration('2')).toThrow(/invalid duration/);
    expect(() => parseGoDuration('')).toThrow(/invalid duration/);
    expect(() => parseGoDuration('1x')).toThrow(/invalid duration/);
  });
});

describe('Go JSON (§3.1)', () => {
  it('indents, escapes HTML and separators, keeps empty containers inline', () => {
    const text = formatGoJson({
      a: '<tag> & \u2028\u2029',
      b: [],
      c: {},
      d: null,
      e: [1, 0.25, -0],
      f: 'ctl \b\f\n\r\t\u0001\u007f "q" \\',
      g: new GoMap({ z: '1', B: '2', a: '3' }),
    });
    expect(text).toBe(
      [
        '{',
        '  "a": "\\u003ctag\\u003e \\u0026 \\u2028\\u2029",',
        '  "b": [],',
        '  "c": {},',
        '  "d": null,',
        '  "e": [',
        '    1,',
        '    0.25,',
        '    -0',
        '  ],',
        '  "f": "ctl \\b\\f\\n\\r\\t\\u0001\u007f \\"q\\" \\\\",',
        '  "g": {',
        '    "B": "2",',
        '    "a": "3",',
        '    "z": "1"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes compact error bodies', () => {
    expect(formatGoJsonCompact({ error: 'app not found: x<y' })).toBe(
      '{"error":"app not found: x\\u003cy"}\n',
    );
  });

  it('replaces lone surrogates like Go replaces invalid UTF-8', () => {
    expect(formatGoJsonCompact(['\ud800x'])).toBe('["\\ufffdx"]\n');
  });
});

describe('times (§2.3, §3.2)', () => {
  it('formats RFC 3339 with trimmed fractions', () => {
    expect(RackTime.parse('2025-01-15T12:00:00Z').toJSON()).toBe('2025-01-15T12:00:00Z');
    expect(RackTime.parse('2025-01-15T12:00:00.250Z').toJSON()).toBe('2025-01-15T12:00:00.25Z');
    expect(RackTime.parse('2025-01-15T12:00:00.123456789Z').toJSON()).toBe(
      '2025-01-15T12:00:00.123456789Z',
    );
  });

  it('converts numeric offsets to UTC', () => {
    expect(RackTime.parse('2025-01-15T13:30:00.5+01:30').toJSON()).toBe('2025-01-15T12:00:00.5Z');
  });

  it('keeps the zero time', () => {
    expect(RackTime.ZERO.toJSON()).toBe('0001-01-01T00:00:00Z');
    expect(RackTime.parse('0001-01-01T00:00:00Z').isZero()).toBe(true);
  });

  it('uses the option layout for forms', () => {
    const t = RackTime.parse('2025-01-15T12:00:00.000000042Z');
    expect(t.toOptionString()).toBe('20250115.120000.000000042');
    expect(RackTime.parseOption('20250115.120000.000000042').compare(t)).toBe(0);
  });

  it('rejects malformed times', () => {
    expect(() => RackTime.parse('2025-01-15 12:00:00')).toThrow(SyntaxError);
  });
});

describe('Basic auth (§1.3)', () => {
  it('sends the password URL-escaped and servers decode it once', () => {
    const header = basicAuthorization('convox', 'p@s/s?:+=._-~ %');
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe(
      'convox:p%40s%2Fs%3F%3A+=._-~%20%25',
    );
    expect(parseBasicAuthorization(header)).toEqual({
      username: 'convox',
      password: 'p@s/s?:+=._-~ %',
    });
  });

  it('treats malformed headers as no credential', () => {
    expect(parseBasicAuthorization(undefined)).toBeNull();
    expect(parseBasicAuthorization('Bearer x')).toBeNull();
    expect(
      parseBasicAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`),
    ).toBeNull();
  });
});

describe('re-serialising rack JSON (§9.9)', () => {
  const RELEASE = [
    '{',
    '  "id": "RABCDEFGHIJ",',
    '  "app": "shop",',
    '  "build": "BABCDEFGHIJ",',
    '  "env": "A=\\u003cb\\u003e \\u0026 x\\u2028y\\nB=2",',
    '  "manifest": "services:\\n  web:\\n    build: .\\n",',
    '  "description": "env add:A",',
    '  "created": "2025-01-15T12:00:00.123456789Z",',
    '  "future-field": [],',
    '  "nested": {}',
    '}',
    '',
  ].join('\n');

  it('is byte-identical after a parse, an env rewrite and formatGoJson', () => {
    const parsed = JSON.parse(RELEASE) as Record<string, GoJsonValue>;
    expect(formatGoJson(parsed)).toBe(RELEASE);
    const masked = { ...parsed, env: 'A=********************\nB=********************' };
    expect(formatGoJson(masked)).toBe(
      RELEASE.replace(
        '"A=\\u003cb\\u003e \\u0026 x\\u2028y\\nB=2"',
        '"A=********************\\nB=********************"',
      ),
    );
  });

  it('round-trips through the typed Release without losing nanoseconds', () => {
    const release = decodeObject(RELEASE_SCHEMA, JSON.parse(RELEASE), 'release');
    expect(release.created.nanos).toBe(123_456_789);
    const typed = formatGoJson(encodeObject(RELEASE_SCHEMA, release));
    expect(typed).toBe(
      RELEASE.replace('  "future-field": [],\n  "nested": {}\n', '').replace('Z",\n}', 'Z"\n}'),
    );
  });
});
