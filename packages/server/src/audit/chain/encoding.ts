// Canonical byte encoding version 1 and the HMAC chain (audit.md §4). Every field is written as
// tag (1 byte) || length (uint32 BE) || payload, after the ASCII prefix "RGW-AUDIT-1". NULL and the
// empty string encode differently, so they hash differently.
import { createHash, createHmac } from 'node:crypto';
import { type EventFields, HASHED_FIELDS } from './event-fields.js';

const PREFIX = Buffer.from('RGW-AUDIT-1', 'ascii');
const TAG_NULL = 0x00;
const TAG_TEXT = 0x01;
const TAG_INT = 0x02;
const TAG_BYTES = 0x03;

function header(tag: number, length: number): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt8(tag, 0);
  h.writeUInt32BE(length, 1);
  return h;
}

const encNull = (): Buffer => header(TAG_NULL, 0);

export function encText(value: string): Buffer {
  const payload = Buffer.from(value, 'utf8');
  return Buffer.concat([header(TAG_TEXT, payload.length), payload]);
}

export function encInt(value: number | bigint): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeBigInt64BE(BigInt(value));
  return Buffer.concat([header(TAG_INT, 8), payload]);
}

export function encBytes(value: Uint8Array): Buffer {
  return Buffer.concat([header(TAG_BYTES, value.length), Buffer.from(value)]);
}

function encField(kind: string, value: unknown): Buffer {
  if (value === null || value === undefined) return encNull();
  switch (kind) {
    case 'int':
    case 'time':
      return encInt(value as number);
    case 'bytes':
      return encBytes(value as Buffer);
    case 'uuid':
      return encText((value as string).toLowerCase());
    default:
      return encText(value as string);
  }
}

/** The HMAC input of one event: prefix plus fields 1-30 in the order of audit.md §3. */
export function encodeEvent(fields: EventFields): Buffer {
  const parts: Buffer[] = [PREFIX];
  for (const [name, kind] of HASHED_FIELDS) parts.push(encField(kind, fields[name]));
  return Buffer.concat(parts);
}

export function eventHash(secret: Buffer, fields: EventFields): Buffer {
  return createHmac('sha256', secret).update(encodeEvent(fields)).digest();
}

/** SHA-256("RGW-AUDIT-GENESIS-1" || chain_id): the previous_hash of seq 1. */
export function genesisHash(chainId: string): Buffer {
  return createHash('sha256')
    .update(Buffer.from('RGW-AUDIT-GENESIS-1', 'ascii'))
    .update(Buffer.from(chainId, 'utf8'))
    .digest();
}
