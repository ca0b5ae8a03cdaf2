// Gateway URLs and rack names as the config stores them (cli.md §2): `https://` added when no
// scheme is given, `http://` only for loopback hosts, no trailing slash; rack names are short
// identifiers that are safe in file names and shell completions.
import { usageError } from '../errors.js';

const RACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

export function assertRackName(name: string): string {
  if (!RACK_NAME.test(name))
    throw usageError(
      `Invalid rack name "${name}"`,
      'Use letters, digits, ".", "_" and "-" (up to 63 characters, starting with a letter or digit).',
    );
  return name;
}

export function normaliseGatewayUrl(input: string): string {
  const trimmed = input.trim();
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`Invalid gateway URL "${input}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw usageError(`The gateway URL must use https:// (got ${url.protocol}//)`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw usageError(
      'The gateway URL must use https://',
      'http:// is only allowed for localhost and 127.0.0.1.',
    );
  if (url.username !== '' || url.password !== '')
    throw usageError('The gateway URL must not contain credentials');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
