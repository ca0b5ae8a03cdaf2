// The rack endpoint from a RACK_URL-style URL (convox-rack-api.md §1.1–1.3):
// `scheme://[user:password@]host[:port][/base-path]`. The password may contain any character when
// percent-encoded in the URL; it is decoded once here and re-escaped Go-style for Basic auth.
import { basicAuthorization } from '../wire/basic-auth.js';
import { goUnescape } from '../wire/form.js';
import { RackRequestError } from './errors.js';

export interface RackEndpoint {
  /** `http://host:port` or `https://host:port`, no userinfo. */
  readonly origin: string;
  /** The base path without a trailing slash (`""` or `/api/v1/rack-proxy`). */
  readonly basePath: string;
  readonly secure: boolean;
  /** `host[:port]` as written in the URL, lower-cased. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** `Basic …`, or undefined when the URL has no userinfo. */
  readonly authorization: string | undefined;
}

function decodeUserinfo(value: string, what: string): string {
  try {
    return goUnescape(value, false);
  } catch {
    throw new RackRequestError(`rack URL has an invalid escape in its ${what}`);
  }
}

export function parseRackUrl(rackUrl: string | URL): RackEndpoint {
  let url: URL;
  try {
    url = new URL(rackUrl);
  } catch {
    throw new RackRequestError('rack URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RackRequestError(`rack URL must use http or https, not ${url.protocol}`);
  const username = decodeUserinfo(url.username, 'username');
  const password = decodeUserinfo(url.password, 'password');
  const hasUserinfo = url.username !== '' || url.password !== '';
  return {
    origin: `${url.protocol}//${url.host}`,
    basePath: url.pathname.replace(/\/+$/, ''),
    secure: url.protocol === 'https:',
    host: url.host.toLowerCase(),
    username,
    password,
    authorization: hasUserinfo ? basicAuthorization(username, password) : undefined,
  };
}

/** Header values travel raw (§2.5): CR or LF would split the header, so they are refused. */
export function assertHeaderValue(name: string, value: string): void {
  if (/[\r\n]/.test(value))
    throw new RackRequestError(
      `the ${name} header cannot contain a line break; put multi-line input in a script or stdin`,
    );
}
