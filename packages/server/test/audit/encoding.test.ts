// audit.md §4.1: the canonical encoding v1 and its HMAC are fixed by a committed golden value
// (cross-checked with an independent HMAC implementation when it was recorded).
import { describe, expect, it } from 'vitest';
import { encodeEvent, eventHash, genesisHash } from '../../src/audit/chain/encoding.js';
import type { EventFields } from '../../src/audit/chain/event-fields.js';
import { microsToIso } from '../../src/audit/chain/event-fields.js';

const SECRET = Buffer.from('b'.repeat(64));

const FIXED: EventFields = {
  chainId: 'rgw-demo',
  seq: 2,
  keyId: 'k1',
  previousHash: genesisHash('rgw-demo'),
  tsUs: 1_700_000_000_123_456,
  occurredAtUs: 1_700_000_000_100_000,
  eventId: '0b4a3b9e-6c1f-4a51-9a9c-3f1e2d4c5b6a',
  actorType: 'user',
  userId: '11111111-2222-4333-8444-555555555555',
  userEmail: 'admin@example.com',
  userName: 'Admin User',
  apiTokenId: null,
  apiTokenName: '',
  sessionId: null,
  channel: 'web',
  actionType: 'convox',
  action: 'app.delete',
  resource: 'myapp',
  resourceType: 'app',
  status: 'success',
  rbacDecision: 'allow',
  httpStatus: 200,
  responseTimeMs: 42,
  ipAddress: '203.0.113.7',
  userAgent: 'convox/3.19',
  requestId: 'req-1',
  deployApprovalId: null,
  terminalSessionId: null,
  command: '',
  details: '{"app":"myapp","method":"DELETE","path":"/apps/myapp"}',
};

const GOLDEN_HEX =
  '5247572d41554449542d3101000000087267772d64656d6f0200000008000000000000000201000000026b31030000002071833e4ba0b804c6b60915b38840e9be43b2cbe3620b77024972ddb4992a1f3a020000000800060a2418202240020000000800060a24181fc6a0010000002430623461336239652d366331662d346135312d396139632d336631653264346335623661010000000475736572010000002431313131313131312d323232322d343333332d383434342d353535353535353535353535010000001161646d696e406578616d706c652e636f6d010000000a41646d696e205573657200000000000100000000000000000001000000037765620100000006636f6e766f78010000000a6170702e64656c65746501000000056d7961707001000000036170700100000007737563636573730100000005616c6c6f77020000000800000000000000c80200000008000000000000002a010000000b3230332e302e3131332e37010000000b636f6e766f782f332e313901000000057265712d3100000000000000000000010000000001000000367b22617070223a226d79617070222c226d6574686f64223a2244454c455445222c2270617468223a222f617070732f6d79617070227d';
const GOLDEN_HMAC = '89c2a3b55b1582efb6dc0add45dcfc38c72b4905eea9fddfbd8cd2ff033234ca';

describe('canonical encoding v1 (audit.md §4.1)', () => {
  it('matches the committed golden bytes and HMAC', () => {
    expect(encodeEvent(FIXED).toString('hex')).toBe(GOLDEN_HEX);
    expect(eventHash(SECRET, FIXED).toString('hex')).toBe(GOLDEN_HMAC);
  });

  it('starts with the version prefix and tags every field', () => {
    const bytes = encodeEvent(FIXED);
    expect(bytes.subarray(0, 11).toString('ascii')).toBe('RGW-AUDIT-1');
    expect(bytes[11]).toBe(0x01); // chain_id is text
    expect(bytes.readUInt32BE(12)).toBe('rgw-demo'.length);
  });

  it('hashes NULL and the empty string differently', () => {
    const withNull = { ...FIXED, userId: null };
    const withEmpty = { ...FIXED, userId: '' };
    expect(eventHash(SECRET, withNull).equals(eventHash(SECRET, withEmpty))).toBe(false);
    expect(eventHash(SECRET, { ...FIXED, httpStatus: null })).not.toEqual(
      eventHash(SECRET, { ...FIXED, httpStatus: 0 }),
    );
  });

  it('changes with any single field, including one byte of details', () => {
    const base = eventHash(SECRET, FIXED);
    expect(
      eventHash(SECRET, { ...FIXED, details: FIXED.details.replace('myapp', 'myapq') }),
    ).not.toEqual(base);
    expect(eventHash(SECRET, { ...FIXED, seq: 3 })).not.toEqual(base);
    expect(eventHash(Buffer.from('c'.repeat(64)), FIXED)).not.toEqual(base);
  });

  it('derives the genesis hash from the chain id', () => {
    expect(genesisHash('rgw-demo').toString('hex')).toBe(
      '71833e4ba0b804c6b60915b38840e9be43b2cbe3620b77024972ddb4992a1f3a',
    );
  });

  it('formats microsecond timestamps exactly', () => {
    expect(microsToIso(1_700_000_000_123_456)).toBe('2023-11-14T22:13:20.123456Z');
    expect(microsToIso(1_700_000_000_000_001)).toBe('2023-11-14T22:13:20.000001Z');
  });
});
