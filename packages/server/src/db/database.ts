// The storage handle every domain receives: a drizzle instance for typed queries plus a few raw
// primitives (parameterised SQL, transactions, LISTEN) that behave the same on PostgreSQL and PGlite.
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

export type Orm = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export interface SqlRunner {
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type NotificationHandler = (payload: string) => void;

/** A runner that can also NOTIFY: the database itself, or one of its transactions. */
export interface NotifyingRunner extends SqlRunner {
  /**
   * `pg_notify(channel, payload)`; in a transaction it is sent at commit. This replica's own
   * subscribers hear it before the call (or the transaction) returns, so a change is in force here
   * by the time its request answers. The copy LISTEN brings back is skipped; a late duplicate stays
   * possible (a reconnection, a transaction open for seconds), so handlers are idempotent.
   */
  notify(channel: string, payload: string): Promise<void>;
}

export interface Database extends NotifyingRunner {
  readonly kind: 'postgres' | 'pglite';
  readonly orm: Orm;
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: NotifyingRunner) => Promise<T>): Promise<T>;
  /** Cheap liveness probe used by health checks; rejects within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** Subscribes to NOTIFY on `channel`; the returned function unsubscribes. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  /**
   * Whether notices reach this replica right now: null while its LISTEN connection is down (or
   * has not answered its heartbeat lately), else a number that changes at every reconnection, so
   * whatever was learned before a gap — when notices may have been missed — can be told apart.
   */
  listenEpoch(): number | null;
  close(): Promise<void>;
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
