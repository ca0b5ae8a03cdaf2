// Rewrites of rack JSON before it reaches the client (convox-rack-api.md §5.4): release `env`
// values are masked, build `repository` URLs lose their userinfo. The result is re-serialised with
// the rack's own formatting (Go encoding/json rules), keeping field order, so clients see the same
// bytes a rack would send.
import { formatGoJson, type GoJsonValue } from '@rack-gateway/convox';

type JsonObject = { [key: string]: GoJsonValue };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies `fn` to the object, or to each object of a list; anything else is returned unchanged. */
function rewriteEach(body: string, fn: (o: JsonObject) => JsonObject): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (Array.isArray(parsed))
    return formatGoJson(parsed.map((o) => (isObject(o) ? fn(o) : (o as GoJsonValue))));
  if (isObject(parsed)) return formatGoJson(fn(parsed));
  return null;
}

/**
 * Masks release env text with `maskEnvText` (which knows the caller's permissions and the app's
 * secret/protected keys). Returns the body unchanged when it is not release JSON.
 */
export function rewriteReleaseJson(body: string, maskEnvText: (env: string) => string): string {
  return (
    rewriteEach(body, (release) =>
      typeof release.env === 'string' ? { ...release, env: maskEnvText(release.env) } : release,
    ) ?? body
  );
}

/** `https://convox:secret@host/x` → `https://host/x`; values that are not URLs stay as they are. */
export function withoutUserinfo(repository: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i.exec(repository);
  return m ? `${m[1]}${repository.slice(m[0].length)}` : repository;
}

export function rewriteBuildJson(body: string): string {
  return (
    rewriteEach(body, (build) =>
      typeof build.repository === 'string'
        ? { ...build, repository: withoutUserinfo(build.repository) }
        : build,
    ) ?? body
  );
}
