// Browser hand-offs (login, WebAuthn, `web`): whether a local browser can be used at all (not over
// SSH, not on a Linux box without a display, not when disabled), and opening a URL with a printed
// fallback.
import type { CliIo } from '../io.js';
import type { Output } from '../output/output.js';

export function browserAvailable(io: CliIo): boolean {
  const env = io.env;
  if (env.RACK_GATEWAY_NO_BROWSER === '1') return false;
  if (env.SSH_CONNECTION || env.SSH_TTY) return false;
  return !(io.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY);
}

/** Opens `url` when a browser is available; prints it when that is impossible or fails. */
export async function openOrPrint(io: CliIo, out: Output, url: string): Promise<boolean> {
  const opened = browserAvailable(io) && (await io.openUrl(url).catch(() => false));
  if (!opened) out.note(`Open this URL: ${url}`);
  return opened;
}
