// Log sockets of the web-safe API (access-control.md §9.3; web-ui.md §7.2): a browser cannot set
// handshake headers, so the query parameters `since`, `filter` and `follow` become the rack's
// `Since`, `Filter` and `Follow` headers, with `Prefix: true` so lines carry their source.
import { parseGoDuration } from '@rack-gateway/convox';
import { BadRequestError } from '../http/errors.js';

export interface LogQuery {
  readonly since?: string;
  readonly filter?: string;
  readonly follow?: string;
}

const FILTER_MAX = 500;

function since(value: string): string {
  try {
    if (parseGoDuration(value) < 0) throw new SyntaxError('negative');
  } catch {
    throw new BadRequestError(
      'invalid_log_option',
      'since must be a duration such as 1m, 10m or 1h.',
    );
  }
  return value;
}

function filter(value: string): string {
  if (value.length > FILTER_MAX || /[\r\n\0]/.test(value))
    throw new BadRequestError(
      'invalid_log_option',
      `filter must be one line of at most ${FILTER_MAX} characters.`,
    );
  return value;
}

function follow(value: string): string {
  if (value !== 'true' && value !== 'false')
    throw new BadRequestError('invalid_log_option', 'follow must be true or false.');
  return value;
}

/** The rack handshake headers for a log socket opened with `query`. */
export function logHeaders(query: LogQuery): Record<string, string> {
  const headers: Record<string, string> = { prefix: 'true' };
  if (query.since !== undefined && query.since !== '') headers.since = since(query.since);
  if (query.filter !== undefined && query.filter !== '') headers.filter = filter(query.filter);
  if (query.follow !== undefined && query.follow !== '') headers.follow = follow(query.follow);
  return headers;
}
