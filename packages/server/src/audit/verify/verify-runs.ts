// Verification runs started by the API (`POST /api/v1/audit-logs/verify`) or the periodic schedule
// (AUDIT_VERIFY_INTERVAL_MINUTES), recorded in `audit.verify_run` and appended as `audit.verify`
// (status `alert` when the chain is broken). There is no job queue yet: runs execute in-process in
// the background and their id is the `job_id`; this should move onto the `audit:verify` job.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/types.js';
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logging/logger.js';
import { type AnchorBucket, createAnchorBucket } from '../anchors/anchor-bucket.js';
import type { AuditLog } from '../audit-log.js';
import { keyringFromConfig } from '../chain/keys.js';
import { type VerifyReport, verifyAudit } from './verify-audit.js';

export type VerifyTrigger = 'api' | 'schedule';

export interface VerifyRunnerDeps {
  readonly config: Config;
  readonly db: Database;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly bucket?: AnchorBucket;
}

export interface VerifyRun {
  readonly id: string;
  readonly trigger: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly from_seq: number | null;
  readonly to_seq: number | null;
  readonly result: string | null;
  readonly first_break_seq: number | null;
  readonly report: unknown;
}

function resultOf(report: VerifyReport): string {
  const reason = report.first_break?.reason;
  if (reason === undefined) return 'ok';
  if (reason === 'truncated') return 'truncated';
  return reason.startsWith('anchor_') ? 'anchor_mismatch' : 'break';
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();

function toRun(r: Record<string, unknown>): VerifyRun {
  return {
    id: String(r.id),
    trigger: String(r.trigger),
    state: r.state as VerifyRun['state'],
    started_at: iso(r.started_at) ?? '',
    finished_at: iso(r.finished_at),
    from_seq: numOrNull(r.from_seq),
    to_seq: numOrNull(r.to_seq),
    result: (r.result as string | null) ?? null,
    first_break_seq: numOrNull(r.first_break_seq),
    report: typeof r.report === 'string' ? JSON.parse(r.report) : null,
  };
}

export class VerifyRunner {
  private readonly tasks = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: VerifyRunnerDeps) {}

  /** Records a run and starts it in the background; returns its id. */
  async start(trigger: VerifyTrigger, from = 1): Promise<string> {
    const id = randomUUID();
    await this.deps.db.query(
      `INSERT INTO audit.verify_run (id, chain_id, trigger, state, from_seq) VALUES ($1, $2, $3, 'running', $4)`,
      [id, this.deps.config.audit.chainId, trigger, from],
    );
    const task = this.execute(id, trigger, from).finally(() => this.tasks.delete(task));
    this.tasks.add(task);
    return id;
  }

  async get(id: string): Promise<VerifyRun | null> {
    const rows = await this.deps.db.query(
      'SELECT * FROM audit.verify_run WHERE id = $1 AND chain_id = $2',
      [id, this.deps.config.audit.chainId],
    );
    return rows[0] === undefined ? null : toRun(rows[0]);
  }

  /** Every AUDIT_VERIFY_INTERVAL_MINUTES: verify incrementally from the last verified seq. */
  schedule(): void {
    const minutes = this.deps.config.audit.verifyIntervalMinutes;
    if (minutes <= 0) return;
    this.timer = setInterval(() => void this.scheduled(minutes), minutes * 60_000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.tasks]);
  }

  private async scheduled(minutes: number): Promise<void> {
    try {
      const rows = await this.deps.db.query<{ recent: boolean; next: string | null }>(
        `SELECT bool_or(started_at > now() - make_interval(mins => $2)) AS recent,
           (max(to_seq) FILTER (WHERE result = 'ok' AND trigger = 'schedule') + 1)::text AS next
         FROM audit.verify_run WHERE chain_id = $1`,
        [this.deps.config.audit.chainId, Math.max(1, minutes - 1)],
      );
      if (rows[0]?.recent === true) return;
      await this.start('schedule', Number(rows[0]?.next ?? 1));
    } catch (err) {
      this.deps.logger.warn(
        { err: (err as Error).message },
        'scheduled audit verification not started',
      );
    }
  }

  private async execute(id: string, trigger: VerifyTrigger, from: number): Promise<void> {
    const { config, db } = this.deps;
    const anchor = config.audit.anchor;
    try {
      const report = await verifyAudit({
        db,
        chainId: config.audit.chainId,
        keyring: keyringFromConfig(config),
        from,
        anchors:
          anchor === null
            ? null
            : {
                bucket: this.deps.bucket ?? createAnchorBucket(anchor),
                prefix: anchor.prefix,
                retentionDays: anchor.retentionDays,
              },
        now: new Date(),
        embedded: db.kind === 'pglite',
      });
      await this.finish(id, trigger, from, report);
    } catch (err) {
      this.deps.logger.error(
        { err: (err as Error).message, run: id },
        'audit verification inconclusive',
      );
      await db
        .query(
          `UPDATE audit.verify_run SET state = 'failed', finished_at = now(), result = 'inconclusive', report = $2 WHERE id = $1`,
          [id, JSON.stringify({ error: (err as Error).message })],
        )
        .catch(() => undefined);
    }
  }

  private async finish(
    id: string,
    trigger: VerifyTrigger,
    from: number,
    report: VerifyReport,
  ): Promise<void> {
    const result = resultOf(report);
    const toSeq =
      report.first_break === null ? (report.head?.seq ?? from - 1) : report.first_break.seq;
    await this.deps.db.query(
      `UPDATE audit.verify_run SET state = 'done', finished_at = now(), to_seq = $2, result = $3,
         first_break_seq = $4, report = $5 WHERE id = $1`,
      [id, toSeq, result, report.first_break?.seq ?? null, JSON.stringify(report)],
    );
    if (result !== 'ok') {
      this.deps.logger.error(
        { first_break: report.first_break, security_alert: true },
        'SECURITY: audit chain verification failed',
      );
    }
    await this.deps.audit.append(
      {
        action: 'audit.verify',
        status: result === 'ok' ? 'success' : 'alert',
        actorType: 'system',
        channel: 'system',
        resource: this.deps.config.audit.chainId,
        details: {
          from_seq: from,
          to_seq: toSeq,
          result,
          ...(report.first_break ? { first_break_seq: report.first_break.seq } : {}),
          trigger,
        },
      },
      { durable: false },
    );
  }
}
