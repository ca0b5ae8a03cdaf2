// The request log (mock-rack.md §10.2): a ring buffer of what reached the rack, so gateway tests
// can prove what was forwarded (Origin rewrite, actor header, stripped headers, rewritten forms,
// routes never forwarded). Secrets are never kept: Authorization is reduced to a summary.

export interface AuthSummary {
  /** `Basic`, `Bearer`, … or null without an Authorization header. */
  readonly scheme: string | null;
  /** The Basic username (never the password). */
  readonly username: string | null;
  readonly auth: 'ok' | 'bad' | 'none';
}

export interface RequestLogEntry {
  readonly seq: number;
  /** Milliseconds since the epoch, from the injected clock. */
  readonly time: number;
  /** HTTP method, or `SOCKET` for WebSocket upgrades. */
  readonly method: string;
  /** Raw path as received (before decoding). */
  readonly path: string;
  /** Raw query without `?` (`""` for a bare trailing `?` or none). */
  readonly rawQuery: string;
  /** Whether the target ended in `?` or carried a query. */
  readonly hasQueryMark: boolean;
  /** The §7 route pattern, the mock-only pattern, or `unknown`. */
  readonly routePattern: string;
  /** All request headers by lower-cased name, except `authorization` (see `authorization`). */
  readonly headers: Readonly<Record<string, string>>;
  /** What replaced the Authorization header. */
  readonly authorization: AuthSummary;
  /** Decoded fields of urlencoded bodies up to 1 MiB. */
  form: Record<string, string[]> | null;
  bodyBytes: number;
  status: number;
  /** Socket routes only. */
  origin?: string;
  framesIn?: number;
  framesOut?: number;
  closeCode?: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity: number) {}

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /** Records an entry (its mutable fields are filled in as the request proceeds). */
  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full: RequestLogEntry = { ...entry, seq: ++this.seq };
    if (!this.enabled) return full;
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.shift();
    return full;
  }

  /** Entries with `seq > sinceSeq`, oldest first. */
  list(sinceSeq = 0): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > sinceSeq);
  }

  clear(): void {
    this.entries = [];
  }
}
