// Normalises the path a client asked the rack proxy for (access-control.md §10.2 step 2): the
// decoded segments are used for matching, the raw path and query are forwarded verbatim.
import { BadRequestError } from '../http/errors.js';

export interface RackPath {
  /** The request target after the proxy prefix, exactly as received (forwarded verbatim). */
  readonly target: string;
  /** Path after the proxy prefix, exactly as received (still percent-encoded). */
  readonly rawPath: string;
  /** Query string without `?`, exactly as received ('' when absent or empty). */
  readonly rawQuery: string;
  /** Decoded path segments (no empty segments, no `.`/`..`). */
  readonly segments: readonly string[];
}

const invalid = (why: string): BadRequestError =>
  new BadRequestError('invalid_path', `The rack path is not valid: ${why}.`);

/** `target` is the request target after the proxy prefix, e.g. `/apps/x/processes?service=web`. */
export function parseRackPath(target: string): RackPath {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  if (!rawPath.startsWith('/')) throw invalid('it must start with /');
  if (/%2f|%5c/i.test(rawPath) || rawPath.includes('\\'))
    throw invalid('encoded slashes are not allowed');
  const parts = rawPath.slice(1).split('/');
  const segments = parts.map((p) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      throw invalid('bad percent-encoding');
    }
    if (decoded === '' || decoded === '.' || decoded === '..')
      throw invalid('empty, . and .. segments are not allowed');
    return decoded;
  });
  return { target, rawPath, rawQuery, segments };
}
