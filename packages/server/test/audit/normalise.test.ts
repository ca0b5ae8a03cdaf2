// audit.md §3 rules on stored values: canonical details, NFC without NUL, limits, canonical IPs.
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  DETAILS_MAX_BYTES,
  detailsText,
} from '../../src/audit/chain/canonical-json.js';
import {
  canonicalIp,
  InvalidAuditEventError,
  normaliseEvent,
} from '../../src/audit/chain/normalise.js';

const NOW = new Date('2024-05-01T12:00:00.000Z');

describe('canonical details', () => {
  it('sorts keys by UTF-16 code units, drops undefined, keeps no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null], B: 'x', é: 2, _: { z: 1, y: 2 } })).toBe(
      '{"B":"x","_":{"y":2,"z":1},"a":[true,null],"b":1,"é":2}',
    );
    expect(detailsText({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('normalises text to NFC and strips NUL', () => {
    expect(detailsText({ name: 'e\u0301\u0000x' })).toBe('{"name":"éx"}');
  });

  it('truncates the longest strings first to fit 8000 bytes and marks it', () => {
    const text = detailsText({
      big: 'x'.repeat(20_000),
      small: 'keep me',
      other: 'y'.repeat(3000),
    });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(DETAILS_MAX_BYTES);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed._truncated).toBe(true);
    expect(parsed.small).toBe('keep me');
    expect(parsed.other).toBe('y'.repeat(3000));
    expect((parsed.big as string).length).toBeGreaterThan(4000);
  });
});

describe('normaliseEvent', () => {
  it('fills catalogue fields, limits and redacts', () => {
    const f = normaliseEvent(
      {
        action: 'app.list',
        status: 'success',
        actorType: 'user',
        channel: 'cli',
        userEmail: 'Admin@Example.com',
        userAgent: 'u'.repeat(600),
        command: `psql postgres://app:hunter2@db/x ${'z'.repeat(3000)}`,
        ipAddress: '::ffff:10.1.2.3',
        details: { method: 'GET', path: '/apps', password: 'hunter2' },
      },
      NOW,
    );
    expect(f.actionType).toBe('convox');
    expect(f.resourceType).toBe('app');
    expect(f.userAgent).toHaveLength(512);
    expect(f.command).toHaveLength(2000);
    expect(f.command.endsWith('…[truncated]')).toBe(true);
    expect(f.command).not.toContain('hunter2');
    expect(f.details).toBe('{"method":"GET","password":"[REDACTED]","path":"/apps"}');
    expect(f.ipAddress).toBe('10.1.2.3');
    expect(f.occurredAtUs).toBe(NOW.getTime() * 1000);
  });

  it('refuses invalid identifiers and statuses at the producer', () => {
    const base = {
      action: 'app.list',
      status: 'success',
      actorType: 'user',
      channel: 'cli',
    } as const;
    expect(() => normaliseEvent({ ...base, userId: 'nope' }, NOW)).toThrow(InvalidAuditEventError);
    expect(() => normaliseEvent({ ...base, httpStatus: 42 }, NOW)).toThrow(InvalidAuditEventError);
    expect(() => normaliseEvent({ ...base, action: 'setting.update' }, NOW)).toThrow(
      /resourceType/,
    );
  });

  it('canonicalises IPv6 addresses (RFC 5952, lower case)', () => {
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('203.0.113.9')).toBe('203.0.113.9');
  });
});
