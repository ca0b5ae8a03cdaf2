// The exec/run capture store (audit.md §16) as used by the rack proxy:
//
//   const session = await capture.open({ app, processId, command, tty, actor, deployApprovalId });
//   await audit.append({ action: 'process.exec.open', terminalSessionId: session.id, ... }, { durable: true });
//   session.onFailure(() => closeSocket('ERROR: session capture unavailable'));
//   ws.on('message', (d) => session.record('i', d));  upstream.on('message', (d) => session.record('o', d));
//   const summary = await session.close('client');   // → details of process.exec.close
//   await audit.append({ action: 'process.exec.close', terminalSessionId: session.id, details: summary, ... },
//                      { durable: true });
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.js';
import type { ActorType } from '../audit-log.js';
import { cleanText } from '../chain/canonical-json.js';
import { redactText } from '../redaction.js';
import { CaptureSession } from './capture-session.js';

export interface CaptureActor {
  readonly actorType: ActorType;
  readonly userId?: string | null;
  readonly userEmail?: string;
  readonly userName?: string;
  readonly apiTokenId?: string | null;
  readonly apiTokenName?: string;
}

export interface CaptureOpen {
  readonly app: string;
  readonly processId: string;
  readonly command: string;
  readonly tty: boolean;
  readonly actor: CaptureActor;
  readonly deployApprovalId?: string | null;
}

export interface TerminalCaptureOptions {
  readonly db: Database;
  readonly maxBytes: number;
  readonly retentionDays: number;
  /** Milliseconds clock (tests move it). */
  readonly now?: () => number;
}

const DAY_MS = 86_400_000;

export class TerminalCapture {
  private readonly now: () => number;

  constructor(private readonly o: TerminalCaptureOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Creates `audit.terminal_session`; the caller then appends process.exec.open (durable). */
  async open(info: CaptureOpen): Promise<CaptureSession> {
    const id = randomUUID();
    const startedAt = this.now();
    const a = info.actor;
    await this.o.db.query(
      `INSERT INTO audit.terminal_session (id, app, process_id, command, tty, actor_type, user_id, user_email,
         user_name, api_token_id, api_token_name, deploy_approval_id, started_at, retain_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        id,
        cleanText(info.app),
        cleanText(info.processId),
        redactText(cleanText(info.command)).slice(0, 2000),
        info.tty,
        a.actorType,
        a.userId ?? null,
        a.userEmail ?? '',
        a.userName ?? '',
        a.apiTokenId ?? null,
        a.apiTokenName ?? '',
        info.deployApprovalId ?? null,
        new Date(startedAt).toISOString(),
        new Date(startedAt + this.o.retentionDays * DAY_MS).toISOString(),
      ],
    );
    return new CaptureSession(id, this.o.db, this.o.maxBytes, startedAt, this.now);
  }

  /** Daily retention job: deletes frames past their session's retention (the events stay). */
  async purgeExpiredFrames(): Promise<number> {
    const rows = await this.o.db.query<{ n: string }>(
      `WITH gone AS (
         DELETE FROM audit.terminal_frame f USING audit.terminal_session s
         WHERE f.session_id = s.id AND s.retain_until < now() RETURNING 1)
       SELECT count(*)::text AS n FROM gone`,
    );
    return Number(rows[0]?.n ?? 0);
  }
}
