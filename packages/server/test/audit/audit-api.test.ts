// The audit API through the real access hook (access-control.md §9.6, audit.md §9, §12, §16.5):
// permissions, self scope for non-admins, the aggregated view, pagination, stats, exports,
// verification runs and terminal-session replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalCapture } from '../../src/audit/capture/terminal-capture.js';
import { ChainWriter } from '../../src/audit/chain/chain-writer.js';
import { keyringFromConfig } from '../../src/audit/chain/keys.js';
import { type ChainAuditLog, chainAuditLog } from '../../src/audit/chain-audit-log.js';
import { FAKE_TOTP_CODE } from '../support/fake-mfa.js';
import { type IdentityHarness, startIdentityHarness } from '../support/identity-harness.js';
import { signInWeb, type WebSession } from '../support/sign-in.js';
import { silentLogger } from '../support/test-db.js';
import { nowUs, sampleEvent } from './support.js';

interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

describe('audit API', () => {
  let h: IdentityHarness;
  let admin: WebSession;
  let viewer: WebSession;
  let writer: ChainWriter;
  let log: ChainAuditLog;
  let sessionId = '';

  const call = async (
    who: WebSession,
    path: string,
    init: { method?: string; headers?: Record<string, string> } = {},
  ): Promise<Res> => {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { cookie: `rgw_session=${who.token}`, ...init.headers };
    if (method !== 'GET') Object.assign(headers, { 'x-csrf-token': who.csrf, origin: h.url });
    const res = await fetch(`${h.url}${path}`, { method, headers });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = {};
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const items = (r: Res) => r.json.items as Record<string, unknown>[];

  beforeAll(async () => {
    h = await startIdentityHarness();
    admin = await signInWeb(h.url, 'admin@example.com');
    viewer = await signInWeb(h.url, 'viewer@example.com');
    const id = (
      await h.database.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [
        'admin@example.com',
      ])
    )[0]?.id;
    h.mfa.enrolled.add(Number(id));
    writer = new ChainWriter({
      db: h.database.db,
      batch: { chainId: h.config.audit.chainId, keyring: keyringFromConfig(h.config), nowUs },
      logger: silentLogger,
      batchMaxEvents: 500,
      batchLingerMs: 1,
      queueMax: 1000,
    });
    log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: h.clock });
    for (let i = 0; i < 10; i++) {
      await log.append(
        sampleEvent(i, {
          userEmail: 'viewer@example.com',
          userName: 'Viewer User',
          details: { method: 'GET', path: '/apps' },
          responseTimeMs: 10 + i,
        }),
        { durable: true },
      );
      await log.append(
        sampleEvent(i, {
          userEmail: 'admin@example.com',
          userName: 'Admin User',
          action: 'app.read',
          resource: '=HYPERLINK("x")',
          details: { method: 'GET', path: '/apps/x', n: i },
        }),
        { durable: true },
      );
    }
    await log.append(
      sampleEvent(99, {
        userEmail: 'admin@example.com',
        status: 'denied',
        httpStatus: 403,
        action: 'app.delete',
        resource: 'x',
      }),
      { durable: true },
    );
    const capture = new TerminalCapture({ db: h.database.db, maxBytes: 1024, retentionDays: 400 });
    const session = await capture.open({
      app: 'web',
      processId: 'p-1',
      command: 'bash',
      tty: true,
      actor: { actorType: 'user', userEmail: 'admin@example.com' },
    });
    sessionId = session.id;
    session.record('i', Buffer.from('ls\n'));
    session.record('o', Buffer.from('file-a\nF1E49A85-0AD7-4AEF-A618-C249C6E6568D:3'));
    const summary = await session.close('client');
    await log.append(
      sampleEvent(100, {
        userEmail: 'admin@example.com',
        action: 'process.exec.open',
        terminalSessionId: sessionId,
        details: { app: 'web', command: 'bash', tty: true, width: 120, height: 40 },
      }),
      { durable: true },
    );
    await log.append(
      sampleEvent(101, {
        userEmail: 'admin@example.com',
        action: 'process.exec.close',
        terminalSessionId: sessionId,
        details: { ...summary },
      }),
      { durable: true },
    );
  });
  afterAll(async () => {
    await writer?.close(5000);
    await h?.close();
  });

  it('shows a viewer only their own events, whatever the user filter says', async () => {
    const own = await call(
      viewer,
      '/api/v1/audit-logs?view=raw&range=all&user=admin@example.com&limit=500',
    );
    expect(own.status).toBe(200);
    expect(items(own)).toHaveLength(10);
    expect(new Set(items(own).map((e) => e.user_email))).toEqual(new Set(['viewer@example.com']));
    const stats = await call(viewer, '/api/v1/audit-logs/stats?range=all');
    expect(stats.json).toMatchObject({ total_events: 10, success: 10, denied: 0 });
  });

  it('refuses admin-only audit routes to a viewer with 403 permission_denied', async () => {
    for (const path of [
      '/api/v1/audit-logs/export?format=csv',
      '/api/v1/audit-logs/chain-status',
      '/api/v1/audit-logs/events/1',
      `/api/v1/terminal-sessions/${sessionId}`,
    ]) {
      const res = await call(viewer, path);
      expect(res.status, path).toBe(403);
      expect(res.json.error).toBe('permission_denied');
    }
    expect(h.audit.of('audit.export').at(-1)).toMatchObject({
      status: 'denied',
      userEmail: 'viewer@example.com',
    });
  });

  it('folds ten identical calls interleaved with another user into one aggregated row', async () => {
    const res = await call(admin, '/api/v1/audit-logs?range=all&action=app.list');
    expect(items(res)).toHaveLength(1);
    expect(items(res)[0]).toMatchObject({
      user_email: 'viewer@example.com',
      event_count: 10,
      min_response_ms: 10,
      max_response_ms: 19,
      avg_response_ms: 15,
    });
    const exec = await call(admin, '/api/v1/audit-logs?range=all&action=process.exec.');
    expect(items(exec)).toHaveLength(1);
    expect(items(exec)[0]).toMatchObject({
      action: 'process.exec',
      exit_code: 3,
      terminal_session_id: sessionId,
      event_count: 2,
    });
  });

  it('paginates newest first with an opaque cursor bound to the filters', async () => {
    const first = await call(admin, '/api/v1/audit-logs?view=raw&range=all&limit=5');
    expect(first.json).toMatchObject({ has_more: true });
    expect(first.json).not.toHaveProperty('total');
    const seqs = items(first).map((e) => e.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const cursor = String(first.json.next_cursor);
    const second = await call(
      admin,
      `/api/v1/audit-logs?view=raw&range=all&limit=5&cursor=${cursor}`,
    );
    expect((items(second)[0]?.seq as number) < (seqs.at(-1) ?? 0)).toBe(true);
    const mismatched = await call(
      admin,
      `/api/v1/audit-logs?view=raw&range=all&limit=5&status=denied&cursor=${cursor}`,
    );
    expect(mismatched.status).toBe(400);
    expect(mismatched.json.error).toBe('invalid_cursor');
  });

  it('validates filters: unknown enum values and malformed times are 400', async () => {
    for (const q of [
      'status=bogus',
      'action_type=nope',
      'start=2024-01-01',
      'start=2024-01-02T00:00:00Z&end=2024-01-01T00:00:00Z',
      'range=2w',
      'view=flat',
      'limit=0',
    ]) {
      expect((await call(admin, `/api/v1/audit-logs?${q}`)).status, q).toBe(400);
    }
    const denied = await call(admin, '/api/v1/audit-logs?view=raw&range=all&status=denied,alert');
    expect(items(denied).map((e) => e.action)).toEqual(['app.delete']);
  });

  it('returns one raw event with its hashes, and the chain status', async () => {
    const ev = await call(admin, '/api/v1/audit-logs/events/1');
    expect(ev.json).toMatchObject({ seq: 1, action: 'audit.chain.create', key_id: 'k1' });
    expect(ev.json.event_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(admin, '/api/v1/audit-logs/events/9999')).status).toBe(404);
    const status = await call(admin, '/api/v1/audit-logs/chain-status');
    expect(status.json).toMatchObject({
      chain_id: h.config.audit.chainId,
      head_seq: 24,
      anchoring_enabled: false,
      last_anchor: null,
    });
  });

  it('exports CSV with a header, formula-guarded cells, and JSON Lines with every hashed field', async () => {
    const csv = await call(admin, '/api/v1/audit-logs/export?format=csv&range=all&action=app.read');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-rgw-default-\d{8}T\d{6}Z\.csv"$/,
    );
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]?.startsWith('chain_id,seq,key_id,previous_hash,ts,occurred_at,event_id')).toBe(
      true,
    );
    expect(lines).toHaveLength(11);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    const jsonl = await call(admin, '/api/v1/audit-logs/export?format=jsonl&range=all');
    const rows = jsonl.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(24);
    expect(typeof rows[0]?.details).toBe('string');
    expect(rows[0]?.previous_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(h.audit.of('audit.export').at(-1)).toMatchObject({
      status: 'success',
      details: { format: 'jsonl', view: 'raw' },
    });
    expect((await call(admin, '/api/v1/audit-logs/export')).status).toBe(400);
  });

  it('runs a verification in the background and reports it', async () => {
    const started = await call(admin, '/api/v1/audit-logs/verify', { method: 'POST' });
    expect(started.status).toBe(202);
    const id = String(started.json.job_id);
    await expect
      .poll(async () => (await call(admin, `/api/v1/audit-logs/verify/${id}`)).json.state, {
        timeout: 10_000,
      })
      .toBe('done');
    const run = await call(admin, `/api/v1/audit-logs/verify/${id}`);
    expect(run.json).toMatchObject({ result: 'ok', trigger: 'api', first_break_seq: null });
    expect(h.audit.of('audit.verify').at(-1)).toMatchObject({
      status: 'success',
      details: { result: 'ok', trigger: 'api' },
    });
    expect((await call(admin, '/api/v1/audit-logs/chain-status')).json.last_verify).toMatchObject({
      result: 'ok',
    });
  });

  it('replays a terminal session (metadata, JSON Lines, asciicast) behind step-up MFA', async () => {
    const meta = await call(admin, `/api/v1/terminal-sessions/${sessionId}`);
    expect(meta.json).toMatchObject({
      app: 'web',
      exit_code: 3,
      truncated: false,
      width: 120,
      height: 40,
      close_reason: 'client',
    });
    const noMfa = await call(admin, `/api/v1/terminal-sessions/${sessionId}/frames`);
    expect(noMfa.status).toBe(401);
    const frames = await call(admin, `/api/v1/terminal-sessions/${sessionId}/frames`, {
      headers: { 'x-mfa-totp': FAKE_TOTP_CODE },
    });
    expect(frames.status).toBe(200);
    const parsed = frames.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { idx: number; dir: string; data_b64: string });
    expect(parsed.map((f) => [f.idx, f.dir, Buffer.from(f.data_b64, 'base64').toString()])).toEqual(
      [
        [0, 'i', 'ls\n'],
        [1, 'o', 'file-a\nF1E49A85-0AD7-4AEF-A618-C249C6E6568D:3'],
      ],
    );
    const cast = await call(
      admin,
      `/api/v1/terminal-sessions/${sessionId}/frames?format=asciicast`,
      { headers: { 'x-mfa-totp': FAKE_TOTP_CODE } },
    );
    const [header, firstFrame] = cast.text.split('\n');
    expect(JSON.parse(header ?? '{}')).toMatchObject({ version: 2, width: 120, height: 40 });
    expect(JSON.parse(firstFrame ?? '[]')).toEqual([expect.any(Number), 'i', 'ls\n']);
    expect(h.audit.of('terminal_session.view').at(-1)).toMatchObject({
      status: 'success',
      terminalSessionId: sessionId,
    });
  });
});
