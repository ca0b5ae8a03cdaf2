// The archive segment format (audit.md §2.2): gzip-compressed JSON Lines, one stored event per line
// with every hashed field under its column name plus event_hash, timestamps as whole microseconds
// and hashes as hex, so a reader recomputes each event's HMAC exactly as from the database.
import { gunzipSync, gzipSync } from 'node:zlib';
import { type EventFields, HASHED_FIELDS, type StoredEvent } from '../chain/event-fields.js';

type Json = string | number | null;

function encodeValue(kind: string, value: unknown): Json {
  if (kind === 'bytes') return (value as Buffer).toString('hex');
  return value as Json;
}

/** One event as its archive line (without the newline). */
export function encodeArchiveLine(e: StoredEvent): string {
  const out: Record<string, Json> = {};
  for (const [field, kind, column] of HASHED_FIELDS) out[column] = encodeValue(kind, e[field]);
  out.event_hash = e.eventHash.toString('hex');
  return JSON.stringify(out);
}

export class ArchiveFormatError extends Error {}

const HEX_32 = /^[0-9a-f]{64}$/;

function decodeValue(kind: string, column: string, value: unknown): unknown {
  if (kind === 'bytes') {
    if (typeof value !== 'string' || !HEX_32.test(value))
      throw new ArchiveFormatError(`${column} is not a 32-byte hex string`);
    return Buffer.from(value, 'hex');
  }
  if (kind === 'int' || kind === 'time') {
    if (value === null && column === 'http_status') return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      throw new ArchiveFormatError(`${column} is not an integer`);
    return value;
  }
  if (value === null && kind === 'uuid') return null;
  if (typeof value !== 'string') throw new ArchiveFormatError(`${column} is not a string`);
  return value;
}

/** Parses one archive line back into the stored event; throws ArchiveFormatError. */
export function decodeArchiveLine(line: string): StoredEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new ArchiveFormatError('a line is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object')
    throw new ArchiveFormatError('a line is not an object');
  const raw = parsed as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [field, kind, column] of HASHED_FIELDS)
    fields[field] = decodeValue(kind, column, raw[column]);
  const eventHash = decodeValue('bytes', 'event_hash', raw.event_hash) as Buffer;
  return { ...(fields as unknown as EventFields), eventHash };
}

/** The compressed body of a segment. */
export function encodeSegment(events: readonly StoredEvent[]): Buffer {
  return gzipSync(`${events.map(encodeArchiveLine).join('\n')}\n`);
}

/**
 * The events of a segment body, one at a time in file order (only the text and one event are in
 * memory); throws ArchiveFormatError.
 */
export function* decodeSegment(body: Buffer): Generator<StoredEvent> {
  let text: string;
  try {
    text = gunzipSync(body, { maxOutputLength: 1 << 30 }).toString('utf8');
  } catch {
    throw new ArchiveFormatError('the object is not a gzip stream');
  }
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end === -1 ? text.length : end);
    at = end === -1 ? text.length : end + 1;
    if (line !== '') yield decodeArchiveLine(line);
  }
}
