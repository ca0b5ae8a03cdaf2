// Replay of captured sessions (audit.md §16.5): metadata, and the frames as JSON Lines
// `{idx, t_ms, dir, data_b64}` or an asciicast v2 file, streamed in batches of 1000.
import type { SqlRunner } from '../../db/database.js';

export type FrameFormat = 'jsonl' | 'asciicast';

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function terminalSession(
  db: SqlRunner,
  id: string,
): Promise<Record<string, unknown> | null> {
  const rows = await db.query(
    `SELECT s.*, encode(s.capture_sha256, 'hex') AS sha,
       (SELECT e.details FROM audit.audit_event e
        WHERE e.terminal_session_id = s.id AND e.action = 'process.exec.open' ORDER BY e.seq LIMIT 1) AS open_details,
       (SELECT e.seq::text FROM audit.audit_event e
        WHERE e.terminal_session_id = s.id AND e.action = 'process.exec.close' ORDER BY e.seq LIMIT 1) AS close_seq
     FROM audit.terminal_session s WHERE s.id = $1`,
    [id],
  );
  const r = rows[0];
  if (r === undefined) return null;
  let open: Record<string, unknown> = {};
  try {
    open = JSON.parse(String(r.open_details ?? '{}')) as Record<string, unknown>;
  } catch {
    open = {};
  }
  return {
    id: r.id,
    app: r.app,
    process_id: r.process_id,
    command: r.command,
    tty: r.tty,
    width: typeof open.width === 'number' ? open.width : null,
    height: typeof open.height === 'number' ? open.height : null,
    actor_type: r.actor_type,
    user_id: r.user_id ?? null,
    user_email: r.user_email,
    user_name: r.user_name,
    api_token_id: r.api_token_id ?? null,
    api_token_name: r.api_token_name,
    deploy_approval_id: r.deploy_approval_id ?? null,
    started_at: iso(r.started_at),
    ended_at: iso(r.ended_at),
    bytes_in: num(r.bytes_in),
    bytes_out: num(r.bytes_out),
    captured_bytes: num(r.captured_bytes),
    frame_count: num(r.frame_count),
    truncated: r.truncated ?? null,
    exit_code: num(r.exit_code),
    close_reason: r.close_reason ?? null,
    capture_sha256: r.sha ?? null,
    close_event_seq: num(r.close_seq),
  };
}

function asciicastHeader(session: Record<string, unknown>): string {
  const started = new Date(String(session.started_at)).getTime();
  return `${JSON.stringify({
    version: 2,
    width: session.width ?? 80,
    height: session.height ?? 24,
    timestamp: Math.floor(started / 1000),
    command: session.command,
  })}\n`;
}

export async function* terminalFrames(
  db: SqlRunner,
  session: Record<string, unknown>,
  format: FrameFormat,
  batchSize = 1000,
): AsyncGenerator<string> {
  if (format === 'asciicast') yield asciicastHeader(session);
  let after = -1;
  for (;;) {
    const rows = await db.query<{ idx: number; t_ms: string; direction: string; data: Uint8Array }>(
      `SELECT f.idx, f.t_ms::text AS t_ms, f.direction, f.data FROM audit.terminal_frame f
       WHERE f.session_id = $1 AND f.idx > $2 ORDER BY f.idx LIMIT $3`,
      [session.id, after, batchSize],
    );
    if (rows.length === 0) return;
    yield rows
      .map((f) => {
        const data = Buffer.from(f.data);
        const t = Number(f.t_ms);
        return format === 'asciicast'
          ? `${JSON.stringify([t / 1000, f.direction, data.toString('utf8')])}\n`
          : `${JSON.stringify({ idx: f.idx, t_ms: t, dir: f.direction, data_b64: data.toString('base64') })}\n`;
      })
      .join('');
    after = Number(rows[rows.length - 1]?.idx);
    if (rows.length < batchSize) return;
  }
}
