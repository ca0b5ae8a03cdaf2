// Path-pattern matching for rack routes: `{name}` matches one non-empty segment; a pattern segment
// like `{id}.tgz` matches a segment with that suffix. Matching works on decoded segments.
import { goUnescape } from '../wire/form.js';

export type PathParams = Readonly<Record<string, string>>;

function matchSegment(pattern: string, segment: string, params: Record<string, string>): boolean {
  const m = /^\{([a-z]+)\}(.*)$/.exec(pattern);
  if (!m) return pattern === segment;
  const [, name = '', suffix = ''] = m;
  if (!segment.endsWith(suffix) || segment.length <= suffix.length) return false;
  params[name] = segment.slice(0, segment.length - suffix.length);
  return true;
}

/** Splits a raw path into decoded segments; null when an escape is invalid. */
export function pathSegments(rawPath: string): string[] | null {
  try {
    return rawPath
      .split('/')
      .slice(1)
      .map((s) => goUnescape(s, false));
  } catch {
    return null;
  }
}

/** The params of `pattern` in `segments`, or null when it does not match. */
export function matchPath(pattern: string, segments: readonly string[]): PathParams | null {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (!matchSegment(parts[i] ?? '', segments[i] ?? '', params)) return null;
  }
  return params;
}

/** Fills a pattern with path-escaped params (`/apps/{app}` → `/apps/my-app`). */
export function fillPath(
  pattern: string,
  params: PathParams,
  escapeSegment: (s: string) => string,
): string {
  return pattern.replace(/\{([a-z]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`missing path parameter ${name}`);
    return escapeSegment(value);
  });
}
