// Local and remote status of racks (cli.md §4.2): `whoami` (the gateway's view from /info),
// `rack` (local status of the selected rack, never failing when logged out), `racks`, `switch`,
// `mfa` (step-up now) and `version`.
import type { Command } from 'commander';
import { sessionExpiry, unknownRack } from '../config/selection.js';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { fetchInfo, type InfoDocument, sessionEnd } from '../gateway/info.js';
import { retryRateLimited } from '../gateway/rate-limit-retry.js';
import { formatDate } from '../output/format.js';
import { CLI_VERSION } from '../version.js';
import { type Act, argsOf } from './command-kit.js';

const when = (iso: string | null | undefined) =>
  iso && !Number.isNaN(Date.parse(iso)) ? formatDate(new Date(iso)) : '';

function mfaText(info: InfoDocument, now: Date): string {
  const user = info.user ?? {};
  const enrolled = user.mfa_enrolled ? 'enrolled' : 'not enrolled';
  const stepUp = user.recent_step_up_expires_at;
  const until = Date.parse(stepUp ?? '');
  let fresh = 'no recent step-up';
  if (!Number.isNaN(until))
    fresh =
      until > now.getTime()
        ? `step-up valid until ${when(stepUp)}`
        : `step-up expired at ${when(stepUp)}`;
  return `${enrolled}${user.mfa_required ? ', required' : ''}; ${fresh}`;
}

async function whoami(ctx: CliContext): Promise<void> {
  const session = ctx.session();
  const res = await retryRateLimited(
    () => session.api.send('GET', '/api/v1/info'),
    ctx.io.interrupt,
  );
  if (ctx.out.json) return ctx.out.document(res.body ?? {});
  const info = (res.body ?? {}) as InfoDocument;
  const user = info.user ?? {};
  const credential = info.token ? `API token ${info.token.name ?? ''}`.trim() : 'CLI session';
  const expires = info.token ? when(info.token.expires_at) || 'never' : when(sessionEnd(info));
  const version = info.version?.version
    ? `${info.version.version}${info.version.commit ? ` (${info.version.commit})` : ''}`
    : '';
  ctx.out.info([
    ['Rack', session.rack.name],
    ['Gateway', session.url],
    ['User', `${user.name ?? ''} <${user.email ?? ''}>`],
    ['Roles', (user.roles ?? []).join(', ')],
    ['Credential', credential],
    ['Expires', expires],
    ['MFA', mfaText(info, ctx.io.now())],
    ['Gateway version', version],
  ]);
}

async function refreshExpiry(ctx: CliContext): Promise<void> {
  const session = ctx.session();
  const end = sessionEnd(await fetchInfo(session.api, AbortSignal.timeout(2000)));
  const entry = session.rack.entry;
  if (end === undefined || entry === undefined || session.credential.source !== 'config') return;
  entry.expires_at = end;
  entry.expires_checked_at = ctx.io.now().toISOString();
  ctx.saveConfig(ctx.loadConfig());
}

function rackStatus(ctx: CliContext): { status: string; loggedIn: boolean } {
  const rack = ctx.rack();
  if (ctx.globals.apiToken)
    return { status: 'Using the API token from --api-token', loggedIn: true };
  if (ctx.io.env.RACK_GATEWAY_API_TOKEN)
    return { status: 'Using RACK_GATEWAY_API_TOKEN from environment', loggedIn: true };
  if (!rack.entry?.token) return { status: 'Not logged in', loggedIn: false };
  const expiry = sessionExpiry(rack.entry);
  if (expiry !== undefined && expiry.getTime() <= ctx.io.now().getTime())
    return { status: 'Session expired', loggedIn: false };
  return { status: `Logged in as ${rack.entry.email ?? 'unknown'}`, loggedIn: true };
}

async function rackCommand(ctx: CliContext): Promise<void> {
  const rack = ctx.rack();
  const { status, loggedIn } = rackStatus(ctx);
  if (loggedIn) await refreshExpiry(ctx).catch(() => undefined);
  const rows: [string, string][] = [
    ['Rack', rack.name],
    ['Gateway', rack.url ?? ''],
    ['Status', status],
    ['Expires', when(rack.entry?.expires_at)],
  ];
  if (ctx.out.json)
    return ctx.out.document(Object.fromEntries(rows.map(([k, v]) => [k.toLowerCase(), v])));
  ctx.out.info(rows);
}

async function racks(ctx: CliContext): Promise<void> {
  const config = ctx.loadConfig();
  const names = Object.keys(config.racks).sort();
  const rows = names.map((name) => {
    const entry = config.racks[name];
    return {
      current: name === config.current,
      name,
      url: entry?.url ?? '',
      user: entry?.token ? (entry.email ?? '') : '',
      expires_at: entry?.token ? (entry.expires_at ?? '') : '',
    };
  });
  if (ctx.out.json) return ctx.out.document(rows);
  ctx.out.table(
    ['current', 'name', 'url', 'user', 'expires'],
    rows.map((r) => [r.current ? '*' : '', r.name, r.url, r.user, when(r.expires_at)]),
  );
}

async function switchRack(ctx: CliContext, cmd: Command): Promise<void> {
  const [name] = argsOf<[string]>(cmd);
  const config = ctx.loadConfig();
  if (config.racks[name] === undefined) throw unknownRack(name, config);
  config.current = name;
  ctx.saveConfig(config);
  ctx.out.success(`Switched to ${name}`);
}

async function mfa(ctx: CliContext): Promise<void> {
  const session = ctx.session();
  if (session.credential.kind === 'api_token') throw usageError('API tokens do not use step-up');
  const body = (await session.mfa.stepUp()) as { recent_step_up_expires_at?: string } | undefined;
  const info = await fetchInfo(session.api).catch(() => ({}) as InfoDocument);
  const until = body?.recent_step_up_expires_at ?? info.user?.recent_step_up_expires_at;
  ctx.out.success(`Step-up verified${until ? `; valid until ${when(until)}` : ''}`);
}

async function version(ctx: CliContext): Promise<void> {
  let gateway = '';
  try {
    const info = await fetchInfo(ctx.session().api, AbortSignal.timeout(2000));
    if (info.version?.version)
      gateway = `${info.version.version}${info.version.commit ? ` (${info.version.commit})` : ''}`;
  } catch {
    // not logged in or unreachable: only the client version
  }
  if (ctx.out.json)
    return ctx.out.document({ client: CLI_VERSION, ...(gateway ? { gateway } : {}) });
  ctx.out.line(`client: ${CLI_VERSION}`);
  if (gateway) ctx.out.line(`gateway: ${gateway}`);
}

export function registerStatusCommands(program: Command, act: Act): void {
  program.command('whoami').description('show who you are signed in as').action(act(whoami));
  program
    .command('rack')
    .description('show the selected rack and its login status')
    .action(act(rackCommand));
  program.command('racks').description('list configured racks').action(act(racks));
  program
    .command('switch')
    .description('make a configured rack the current one')
    .argument('<rack>', 'rack name')
    .action(act(switchRack));
  program.command('mfa').description('verify a second factor now (step-up)').action(act(mfa));
  program.command('version').description('show client and gateway versions').action(act(version));
}
