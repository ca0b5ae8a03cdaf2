// The session expiry reminder of cli.md §9: after a command that used a stored session, refresh
// `expires_at` from /info at most once per 24 h (2 s timeout, failures ignored) and warn once per
// 24 h per rack when the session ends within 7 days. RACK_GATEWAY_NO_EXPIRY_WARNING=1 turns it off.
import type { CliContext } from '../context.js';
import { fetchInfo, sessionEnd } from '../gateway/info.js';
import { formatDate } from '../output/format.js';
import type { RackEntry } from './config-file.js';
import { sessionExpiry } from './selection.js';

const DAY_MS = 86_400_000;

function olderThanADay(stamp: string | null | undefined, now: Date): boolean {
  const at = stamp ? Date.parse(stamp) : Number.NaN;
  return Number.isNaN(at) || now.getTime() - at >= DAY_MS;
}

async function refresh(ctx: CliContext, entry: RackEntry, now: Date): Promise<void> {
  const session = ctx.activeSession;
  if (session === undefined) return;
  try {
    const end = sessionEnd(await fetchInfo(session.api, AbortSignal.timeout(2000)));
    if (end !== undefined) entry.expires_at = end;
  } catch {
    // best effort: the stored expiry stays
  }
  entry.expires_checked_at = now.toISOString();
}

export async function expiryReminder(ctx: CliContext): Promise<void> {
  const session = ctx.activeSession;
  if (ctx.io.env.RACK_GATEWAY_NO_EXPIRY_WARNING === '1') return;
  if (session === undefined || session.credential.source !== 'config') return;
  const entry = session.rack.entry;
  if (entry === undefined) return;
  const now = ctx.io.now();
  let changed = false;
  if (olderThanADay(entry.expires_checked_at, now)) {
    await refresh(ctx, entry, now);
    changed = true;
  }
  const expiry = sessionExpiry(entry);
  const left = expiry === undefined ? Number.NaN : expiry.getTime() - now.getTime();
  if (
    expiry !== undefined &&
    left > 0 &&
    left < 7 * DAY_MS &&
    olderThanADay(entry.expiry_warned_at, now)
  ) {
    const days = Math.ceil(left / DAY_MS);
    const rack = session.rack.name;
    ctx.out.warn(
      `your session for ${rack} expires in ${days} day${days === 1 ? '' : 's'} (${formatDate(expiry)}). Run: rack-gateway login ${rack}`,
    );
    entry.expiry_warned_at = now.toISOString();
    changed = true;
  }
  if (changed) ctx.saveConfig(ctx.loadConfig());
}
