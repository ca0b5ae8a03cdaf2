// Reading rack response bodies, shared by every consumer of rack JSON (this client, the CLI's
// gateway calls): parse JSON and decode with a schema, wrapping failures in RackProtocolError, and
// flatten undici's header records.
import type { Dispatcher } from 'undici';
import { RackProtocolError } from './errors.js';

/** Parses a JSON body; invalid JSON is a RackProtocolError naming who answered. */
export function parseRackJson(text: string, who = 'the rack'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RackProtocolError(`${who} answered with invalid JSON`, err);
  }
}

/** Runs a decoder; any failure becomes a RackProtocolError (kept as is when it already is one). */
export function decodeRackResponse<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw err instanceof RackProtocolError
      ? err
      : new RackProtocolError((err as Error).message, err);
  }
}

/** undici response headers as one lower-cased string per name (repeated values joined by `, `). */
export function responseHeaders(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
