// A valid audit chain of any size, fast: events are built in memory and committed through the chain
// writer's own batch function (commitBatch: lock, head, HMAC chain, multi-row insert, aggregated
// view, counters) in large batches, with a synthetic clock that spreads them over `spanMs` ending
// just before now. The result verifies (`audit verify` exits 0) and looks like a busy rack: mostly
// proxied reads by a few users and CI tokens, some mutations recorded as attempt + outcome, denials
// and logins. Used by the benchmarks (audit list/stats/search at 10k and 1M events).
import { randomUUID } from 'node:crypto';
import type { AuditEventInput } from '../../packages/server/src/audit/audit-log.ts';
import type { AuditAction } from '../../packages/server/src/audit/catalogue.ts';
import { commitBatch } from '../../packages/server/src/audit/chain/commit-batch.ts';
import { readHead } from '../../packages/server/src/audit/chain/head.ts';
import type { AuditKeyring } from '../../packages/server/src/audit/chain/keys.ts';
import { normaliseEvent } from '../../packages/server/src/audit/chain/normalise.ts';
import type { Database } from '../../packages/server/src/db/database.ts';

export interface VolumeOptions {
  readonly chainId: string;
  readonly keyring: AuditKeyring;
  readonly events: number;
  /** Time covered by the events, ending one minute before now (default 7 days). */
  readonly spanMs?: number;
  readonly batchSize?: number;
  /** Events per partition of the event table (AUDIT_PARTITION_EVENTS; default the server's). */
  readonly partitionEvents?: number;
  /** Called after each batch with the number of events written so far. */
  readonly onProgress?: (written: number) => void;
}

const APPS = Array.from({ length: 24 }, (_, i) => `app-${String(i).padStart(2, '0')}`);
const USERS = Array.from({ length: 12 }, (_, i) => ({
  email: `user${i}@example.com`,
  name: `User ${i}`,
  id: randomUUID(),
}));
const TOKENS = Array.from({ length: 4 }, (_, i) => ({
  id: randomUUID(),
  name: `ci-deploy-${i}`,
  owner: USERS[i] ?? { email: '', name: '', id: null },
}));
const AGENTS = ['convox/3.19.4 (linux)', 'convox/3.19.1 (darwin)', 'Mozilla/5.0 Firefox/128.0'];
const READS: readonly [AuditAction, string][] = [
  ['app.list', '/apps'],
  ['process.list', '/apps/{app}/processes'],
  ['app.read', '/apps/{app}'],
  ['log.read', '/apps/{app}/logs'],
  ['build.list', '/apps/{app}/builds'],
  ['release.list', '/apps/{app}/releases'],
];

/** A small deterministic generator, so two runs with the same size produce the same mix. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(list: readonly T[], r: number): T {
  return list[Math.floor(r * list.length) % list.length] as T;
}

function actorOf(r: () => number): Partial<AuditEventInput> {
  if (r() < 0.4) {
    const t = pick(TOKENS, r());
    return {
      actorType: 'api_token',
      channel: 'token',
      userId: t.owner.id,
      userEmail: t.owner.email,
      userName: t.owner.name,
      apiTokenId: t.id,
      apiTokenName: t.name,
      userAgent: AGENTS[0],
    };
  }
  const u = pick(USERS, r());
  return {
    actorType: 'user',
    channel: r() < 0.7 ? 'cli' : 'web',
    userId: u.id,
    userEmail: u.email,
    userName: u.name,
    userAgent: pick(AGENTS, r()),
  };
}

/** One request's events: a read, a denial, a login, or a mutation's attempt and outcome. */
function requestEvents(r: () => number, n: number, atMs: number): AuditEventInput[] {
  const app = pick(APPS, r());
  const base = {
    ...actorOf(r),
    occurredAt: new Date(atMs),
    ipAddress: `10.0.${Math.floor(r() * 4)}.${1 + Math.floor(r() * 20)}`,
    requestId: `req-${n}`,
    rbacDecision: 'allow' as const,
  } as AuditEventInput;
  const kind = r();
  if (kind < 0.86) {
    const [action, path] = pick(READS, r());
    const p = path.replace('{app}', app);
    return [
      {
        ...base,
        action,
        status: 'success',
        resource: action === 'app.list' ? 'all' : app,
        resourceType: action.split('.')[0] as 'app',
        httpStatus: 200,
        responseTimeMs: Math.floor(r() * 40),
        details: { method: 'GET', path: p, ...(action === 'app.list' ? {} : { app }) },
      },
    ];
  }
  if (kind < 0.91) {
    return [
      {
        ...base,
        action: 'app.delete',
        status: 'denied',
        resource: app,
        rbacDecision: 'deny',
        httpStatus: 403,
        details: { method: 'DELETE', path: `/apps/${app}`, app, reason: 'permission_denied' },
      },
    ];
  }
  if (kind < 0.93) {
    return [
      {
        ...base,
        action: 'login.complete',
        status: 'success',
        resource: 'cli',
        details: { channel: 'cli', session_id: randomUUID(), mfa: 'verified' },
      },
    ];
  }
  const details = { method: 'POST', path: `/apps/${app}/releases/R${n}/promote`, app };
  const attempt: AuditEventInput = {
    ...base,
    action: 'release.promote',
    status: 'attempt',
    resource: `R${n}`,
    resourceType: 'release',
    details,
  };
  return [
    attempt,
    { ...attempt, status: 'success', httpStatus: 200, responseTimeMs: 300 + Math.floor(r() * 900) },
  ];
}

/**
 * Appends `events` events (one more when the last request is a mutation, whose two events are
 * never split) after the chain's current head and returns how many were written.
 */
export async function generateAuditVolume(db: Database, options: VolumeOptions): Promise<number> {
  const span = options.spanMs ?? 7 * 86_400_000;
  const size = options.batchSize ?? 2000;
  const endMs = Date.now() - 60_000;
  const startMs = endMs - span;
  const at = (ms: number) => ({
    chainId: options.chainId,
    keyring: options.keyring,
    nowUs: () => ms * 1000,
    ...(options.partitionEvents === undefined ? {} : { partitionEvents: options.partitionEvents }),
  });
  // Creates the chain (or rotates its key) at the synthetic start, so later events are not
  // clamped to a head written now.
  await commitBatch(db, at(startMs), []);
  let seq = (await readHead(db, options.chainId))?.seq ?? 0;
  const r = rng(options.events);
  let written = 0;
  let n = 0;
  while (written < options.events) {
    const atMs = startMs + Math.floor((span * written) / options.events);
    const batch: AuditEventInput[] = [];
    while (batch.length < size && written + batch.length < options.events) {
      const [first, outcome] = requestEvents(r, n++, atMs);
      if (first !== undefined) batch.push(first);
      // The outcome names its attempt's seq: this generator is the chain's only writer.
      if (outcome !== undefined) {
        const attemptSeq = seq + batch.length;
        batch.push({ ...outcome, details: { ...outcome.details, attempt_seq: attemptSeq } });
      }
    }
    await commitBatch(
      db,
      at(atMs),
      batch.map((e) => normaliseEvent(e, new Date(atMs))),
    );
    seq += batch.length;
    written += batch.length;
    options.onProgress?.(written);
  }
  return written;
}
