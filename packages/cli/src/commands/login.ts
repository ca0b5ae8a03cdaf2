// `login [rack] [url]` and `logout [rack] [--all]` (cli.md §4.1–4.2). Login stores the session in
// the config and makes the rack current; logout revokes the session at the gateway and removes the
// token locally (also when the gateway cannot be told), keeping the URL for the next login.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { ConfigData, RackEntry } from '../config/config-file.js';
import { assertRackName, normaliseGatewayUrl } from '../config/gateway-url.js';
import { unknownRack } from '../config/selection.js';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { failureOf, toCliError } from '../gateway/error-map.js';
import type { LoginResult } from '../login/login-api.js';
import { runLogin } from '../login/login-flow.js';
import { formatDate } from '../output/format.js';
import { browserAvailable } from '../terminal/browser.js';
import { type Act, argsOf, optsOf } from './command-kit.js';

function earliest(...times: (string | undefined)[]): string | undefined {
  const valid = times.filter((t): t is string => t !== undefined && !Number.isNaN(Date.parse(t)));
  return valid.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

function loginTarget(ctx: CliContext, config: ConfigData, rackArg?: string, urlArg?: string) {
  const name = rackArg ?? config.current;
  if (name === undefined)
    throw usageError('Missing argument <rack>', 'Run: rack-gateway login <rack> <gateway-url>');
  assertRackName(name);
  const envUrl = ctx.io.env.RACK_GATEWAY_URL;
  const raw = urlArg ?? config.racks[name]?.url ?? envUrl;
  if (!raw)
    throw usageError(
      `No gateway URL known for ${name}`,
      `Run: rack-gateway login ${name} <gateway-url>`,
    );
  return { name, url: normaliseGatewayUrl(raw) };
}

function storeLogin(
  ctx: CliContext,
  config: ConfigData,
  name: string,
  url: string,
  r: LoginResult,
) {
  const entry: RackEntry = {
    ...config.racks[name],
    url,
    token: r.token,
    session_id: r.session_id,
    email: r.email,
    name: r.name,
    roles: r.roles,
    expires_checked_at: ctx.io.now().toISOString(),
    expiry_warned_at: null,
  };
  const expiresAt = earliest(r.expires_at, r.idle_expires_at);
  if (expiresAt !== undefined) entry.expires_at = expiresAt;
  if (typeof r.idle_timeout_seconds === 'number')
    entry.idle_timeout_seconds = r.idle_timeout_seconds;
  config.racks[name] = entry;
  config.current = name;
  if (r.device_id) config.device_id = r.device_id;
  ctx.saveConfig(config);
  return entry;
}

async function login(ctx: CliContext, cmd: Command): Promise<void> {
  const [rackArg, urlArg] = argsOf<[string?, string?]>(cmd);
  const opts = optsOf<{ browser: boolean; deviceName?: string }>(cmd);
  const config = ctx.loadConfig();
  const { name, url } = loginTarget(ctx, config, rackArg, urlArg);
  const deviceId = config.device_id ?? randomUUID();
  const poll = !opts.browser || !browserAvailable(ctx.io);
  const result = await runLogin(ctx, {
    rack: name,
    url,
    deviceId,
    deviceName: opts.deviceName ?? ctx.io.hostname,
    poll,
  });
  config.device_id ??= deviceId;
  const entry = storeLogin(ctx, config, name, url, result);
  if (ctx.out.json) {
    const { token: _token, session_id: _sid, ...shown } = entry;
    ctx.out.document({ rack: name, ...shown });
    return;
  }
  const until = entry.expires_at
    ? ` Session valid until ${formatDate(new Date(entry.expires_at))}.`
    : '';
  ctx.out.success(`Logged in to ${name} as ${result.email} (${result.roles.join(', ')}).${until}`);
}

async function revoke(ctx: CliContext, name: string, entry: RackEntry): Promise<void> {
  if (!entry.token) return;
  try {
    await ctx.api(entry.url, entry.token).send('POST', '/api/v1/auth/logout', { json: {} });
  } catch (err) {
    if (failureOf(err)?.status === 401) return;
    ctx.out.warn(
      `Could not revoke the session at the gateway: ${toCliError(err, { rack: name }).message}`,
    );
  }
}

async function logout(ctx: CliContext, cmd: Command): Promise<void> {
  const [rackArg] = argsOf<[string?]>(cmd);
  const { all } = optsOf<{ all?: boolean }>(cmd);
  const config = ctx.loadConfig();
  const names = all ? Object.keys(config.racks).sort() : [rackArg ?? ctx.rack().name];
  for (const name of names) {
    const entry = config.racks[name];
    if (entry === undefined) throw unknownRack(name, config);
    await revoke(ctx, name, entry);
    const { token: _t, session_id: _s, expires_at: _e, expires_checked_at: _c, ...kept } = entry;
    config.racks[name] = kept;
    ctx.saveConfig(config);
    ctx.out.success(`Logged out of ${name}`);
  }
}

export function registerLoginCommands(program: Command, act: Act): void {
  program
    .command('login')
    .description('sign in to a rack through its gateway in the browser')
    .argument('[rack]', 'rack name (default: the current rack)')
    .argument('[url]', 'gateway URL, saved for the rack')
    .option('--no-browser', 'do not use a local browser: print the URL and poll (headless, SSH)')
    .option('--device-name <name>', 'name of this device shown on the approval page')
    .action(act(login));
  program
    .command('logout')
    .description('sign out of a rack (revokes the session)')
    .argument('[rack]', 'rack name (default: the selected rack)')
    .option('--all', 'sign out of every configured rack')
    .action(act(logout));
}
