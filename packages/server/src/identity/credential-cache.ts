// Resolved credentials kept in memory for a few seconds (access-control.md §6 item 5, identity.md
// §6): a validated session or API token is remembered under the SHA-256 of its secret — never the
// secret — so a repeated request skips its lookup queries. An entry is tagged with the public ids
// it depends on (session or token, and user); a notice naming one of them (credential-notices.ts)
// drops it on every replica, on this one before the changing request answers. Nothing is served
// while LISTEN is down, nor what was learned before it reconnected (notices may have been missed
// in between). Only successes are kept: a refusal always asks the database again.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import { CREDENTIALS_CHANNEL, parseCredentialNotice } from './credential-notices.js';
import { REVOCATION_CHANNEL } from './sessions/session-store.js';

/** The absolute bound: how long a resolution may be served without asking the database. */
export const CREDENTIAL_TTL_MS = 5000;
/** Per partition; the least recently used entry goes first, so memory stays flat. */
export const CREDENTIAL_CACHE_ENTRIES = 5000;

/** Taken before the database is read; a fill older than the last notice is not kept. */
export interface Ticket {
  readonly epoch: number | null;
  readonly generation: number;
  readonly at: number;
}

export interface CachePartition<T> {
  /** The remembered value, or undefined (unknown, too old, or notices not trusted right now). */
  get(key: string): T | undefined;
  ticket(): Ticket;
  /** Remembers `value`; `tags` are the notice targets (`session:<id>`, `user:<id>`…) it rests on. */
  set(key: string, tags: readonly string[], value: T, ticket: Ticket): void;
}

export interface CredentialCache {
  /** A new, separately bounded set of entries that the same notices invalidate. */
  partition<T>(): CachePartition<T>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface CredentialCacheDeps {
  readonly db: Pick<Database, 'listen' | 'listenEpoch'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

interface Entry<T> {
  readonly value: T;
  readonly tags: readonly string[];
  readonly at: number;
  readonly epoch: number;
}

interface Shared {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly logger: Logger;
  now(): number;
  /** null unless started and listening. */
  epoch(): number | null;
  generation(): number;
}

interface Droppable {
  drop(tag: string): void;
  clear(): void;
}

function createPartition<T>(shared: Shared): CachePartition<T> & Droppable {
  const entries = new Map<string, Entry<T>>();
  const byTag = new Map<string, Set<string>>();

  const remove = (key: string): void => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    for (const tag of entry.tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };

  const usable = (entry: Entry<T>): boolean => {
    const age = shared.now() - entry.at;
    return entry.epoch === shared.epoch() && age >= 0 && age < shared.ttlMs;
  };

  const store = (key: string, tags: readonly string[], value: T, ticket: Ticket): void => {
    const epoch = shared.epoch();
    if (epoch === null || ticket.epoch !== epoch || ticket.generation !== shared.generation())
      return;
    remove(key);
    entries.set(key, { value, tags, at: ticket.at, epoch });
    for (const tag of tags) {
      const keys = byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      byTag.set(tag, keys);
    }
    for (const oldest of entries.keys()) {
      if (entries.size <= shared.maxEntries) break;
      remove(oldest);
    }
  };

  return {
    get(key) {
      try {
        const entry = entries.get(key);
        if (entry === undefined) return undefined;
        if (!usable(entry)) {
          remove(key);
          return undefined;
        }
        entries.delete(key); // the most recently used goes last; its tags stay as they are
        entries.set(key, entry);
        return entry.value;
      } catch (err) {
        shared.logger.warn(
          { err: (err as Error).message },
          'credential cache failed; asking the database',
        );
        return undefined;
      }
    },
    ticket() {
      try {
        return { epoch: shared.epoch(), generation: shared.generation(), at: shared.now() };
      } catch {
        return { epoch: null, generation: -1, at: 0 }; // a ticket no fill can use
      }
    },
    set(key, tags, value, ticket) {
      try {
        store(key, tags, value, ticket);
      } catch (err) {
        remove(key);
        shared.logger.warn(
          { err: (err as Error).message },
          'credential cache could not keep an entry',
        );
      }
    },
    drop(tag) {
      for (const key of [...(byTag.get(tag) ?? [])]) remove(key);
    },
    clear() {
      entries.clear();
      byTag.clear();
    },
  };
}

export function createCredentialCache(deps: CredentialCacheDeps): CredentialCache {
  const partitions: Droppable[] = [];
  const unlisten: (() => Promise<void>)[] = [];
  let started = false;
  let generation = 0;
  const shared: Shared = {
    ttlMs: deps.ttlMs ?? CREDENTIAL_TTL_MS,
    maxEntries: deps.maxEntries ?? CREDENTIAL_CACHE_ENTRIES,
    logger: deps.logger,
    now: () => deps.clock.now().getTime(),
    epoch: () => (started ? deps.db.listenEpoch() : null),
    generation: () => generation,
  };

  const onNotice = (payload: string): void => {
    generation += 1;
    const notice = parseCredentialNotice(payload);
    // A notice we cannot read may still have been a revocation: forget everything.
    for (const p of partitions) {
      if (notice === null) p.clear();
      else p.drop(`${notice.kind}:${notice.id}`);
    }
  };

  return {
    partition<T>() {
      const p = createPartition<T>(shared);
      partitions.push(p);
      return p;
    },
    async start() {
      if (started) return;
      unlisten.push(await deps.db.listen(REVOCATION_CHANNEL, onNotice));
      unlisten.push(await deps.db.listen(CREDENTIALS_CHANNEL, onNotice));
      started = true;
    },
    async stop() {
      started = false;
      for (const p of partitions) p.clear();
      for (const u of unlisten.splice(0)) await u();
    },
  };
}

/** One cache per app, listening from start-up (onReady) until the app closes. */
export function registerCredentialCache(
  app: FastifyInstance,
  deps: CredentialCacheDeps,
): CredentialCache {
  const cache = createCredentialCache(deps);
  app.addHook('onReady', () => cache.start());
  app.addHook('onClose', () => cache.stop());
  return cache;
}
