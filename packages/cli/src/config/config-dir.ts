// Where the configuration lives (cli.md §2): --config-dir, RACK_GATEWAY_CONFIG_DIR, XDG config home,
// ~/.config on Linux and macOS, %APPDATA% on Windows.
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIo } from '../io.js';

export function configDir(io: CliIo, flag: string | undefined): string {
  const chosen = flag ?? io.env.RACK_GATEWAY_CONFIG_DIR;
  if (chosen) return isAbsolute(chosen) ? chosen : resolve(io.cwd, chosen);
  if (io.platform === 'win32')
    return join(io.env.APPDATA ?? join(io.homedir, 'AppData', 'Roaming'), 'rack-gateway');
  const xdg = io.env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(io.homedir, '.config'), 'rack-gateway');
}
