// returnTo / redirect rules (identity.md §3): at most 2048 characters, starts with `/app/`, no
// `//`, `\`, `://`, whitespace or control characters (also after percent-decoding), and it stays on
// PUBLIC_URL's origin under /app/ once resolved. Anything else is silently `/app/rack`.

export const DEFAULT_RETURN_TO = '/app/rack';
const FORBIDDEN = /\/\/|\\|:\/\/|[\s\p{Cc}]/u;

function decodedFully(value: string): string | null {
  let current = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

export function safeReturnTo(raw: unknown, publicUrl: URL): string {
  if (typeof raw !== 'string' || raw.length > 2048 || !raw.startsWith('/app/'))
    return DEFAULT_RETURN_TO;
  const decoded = decodedFully(raw);
  if (decoded === null || FORBIDDEN.test(raw) || FORBIDDEN.test(decoded)) return DEFAULT_RETURN_TO;
  const resolved = new URL(raw, publicUrl);
  if (resolved.origin !== publicUrl.origin || !resolved.pathname.startsWith('/app/'))
    return DEFAULT_RETURN_TO;
  return raw;
}
