// The env API of the fake gateway (access-control.md §9.2, §11), backed by the mock rack: GET masks
// secret-looking keys, /env/secrets shows them, PUT {set, remove} composes the latest release's env
// (a masked value keeps the current one) and creates a release.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RackClient } from '@rack-gateway/convox';
import { readJson, sendJson } from './gateway-responses.js';

export const MASK = '*'.repeat(20);
const SECRET = /SECRET|TOKEN|PASSWORD|CREDENTIAL|_KEY$|_KEY_ID$/;

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

const masked = (env: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, SECRET.test(k.toUpperCase()) ? MASK : v]),
  );

async function latest(rack: RackClient, app: string) {
  const [release] = await rack.listReleases(app, { limit: 1 });
  return { id: release?.id ?? '', env: parseEnv(release?.env ?? '') };
}

function compose(
  current: Record<string, string>,
  body: { set?: Record<string, string>; remove?: string[] },
) {
  const next = { ...current };
  for (const [k, v] of Object.entries(body.set ?? {})) if (v !== MASK) next[k] = v;
  for (const k of body.remove ?? []) delete next[k];
  return next;
}

function secrets(current: { id: string; env: Record<string, string> }, key: string | null) {
  if (key === null) return current.env;
  const value = current.env[key];
  return value === undefined ? {} : { [key]: value };
}

export async function handleEnv(
  rack: RackClient,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const m = /^\/api\/v1\/apps\/([^/]+)\/env(\/secrets)?$/.exec(url.pathname);
  if (!m) return sendJson(res, 404, { error: 'not_found', message: 'not found' });
  const app = decodeURIComponent(m[1] ?? '');
  const current = await latest(rack, app);
  if (req.method === 'GET') {
    const env = m[2] ? secrets(current, url.searchParams.get('key')) : masked(current.env);
    return sendJson(res, 200, { app, release: current.id, env });
  }
  const next = compose(
    current.env,
    (await readJson(req)) as { set?: Record<string, string>; remove?: string[] },
  );
  if (JSON.stringify(next) === JSON.stringify(current.env))
    return sendJson(res, 200, { release: null, env: masked(next) });
  const text = Object.keys(next)
    .sort()
    .map((k) => `${k}=${next[k]}`)
    .join('\n');
  const release = await rack.createRelease(app, { env: text });
  sendJson(res, 200, { release: release.id, env: masked(next) });
}
