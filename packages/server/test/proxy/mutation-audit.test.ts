// Issue 10 findings 3 and 4 on the rack proxy (audit.md §6): a mutation is committed as an attempt
// before anything reaches the rack and its outcome names the attempt; a store that fails after
// forwarding answers audit_unavailable ("reached the rack"), never "try again".
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditUnavailableError,
  NOT_RECORDED_AFTER,
  NOT_RECORDED_BEFORE,
} from '../../src/audit/audit-errors.js';
import { AuditWriteError } from '../../src/audit/chain/chain-writer.js';
import { mapError } from '../../src/http/error-mapper.js';
import { callApi } from '../support/api-client.js';
import { basic, openSocket, type ProxyHarness, startProxyHarness, TOTP } from './proxy-harness.js';

/** What the chain audit log throws when PostgreSQL goes away while an outcome is committed. */
function storeFailedAfterForwarding(): AuditUnavailableError {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
  });
  return new AuditUnavailableError(NOT_RECORDED_AFTER, new AuditWriteError(refused));
}

describe('rack mutations and the audit store', () => {
  let p: ProxyHarness;
  let deployer: string;
  const restart = () =>
    fetch(`${p.proxyUrl}/apps/storefront/restart`, {
      method: 'POST',
      headers: { authorization: deployer, accept: 'application/json' },
    });
  const rackSince = (seq: number) => p.rack.requests.list(seq);
  const lastRackSeq = () => p.rack.requests.list().at(-1)?.seq ?? 0;

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('deployer');
    deployer = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
  });
  afterAll(async () => {
    await p?.close();
  });
  beforeEach(() => {
    p.h.audit.clear();
    p.h.audit.failDurable = false;
    p.h.audit.failOutcome = null;
    p.rack.faults.clear();
  });

  describe('finding 3: a mutation can reach the rack with no audit record', () => {
    it('commits the attempt before forwarding; the outcome names it', async () => {
      const since = lastRackSeq();
      const res = await restart();
      expect(res.status).toBe(200);
      const [attempt, outcome, ...rest] = p.h.audit.of('app.restart');
      expect(rest).toEqual([]);
      expect(attempt).toMatchObject({ status: 'attempt', durable: true, resource: 'storefront' });
      expect(attempt?.httpStatus ?? null).toBeNull();
      expect(outcome).toMatchObject({ status: 'success', durable: true, httpStatus: 200 });
      expect(outcome?.details?.attempt_seq).toBe(attempt?.seq);
      const seen = rackSince(since);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.headers['x-request-id']).toBe(attempt?.requestId);
    });

    it('forwards nothing when the attempt cannot be committed (store stalled or failing)', async () => {
      p.h.audit.failDurable = true;
      const since = lastRackSeq();
      const res = await restart();
      expect(res.status).toBe(503);
      expect(res.headers.get('x-error-reason')).toBe('audit_unavailable');
      expect(((await res.json()) as { error: string }).error).toBe(NOT_RECORDED_BEFORE);
      expect(rackSince(since)).toEqual([]);
    });

    it('records a failed forward as the outcome of its attempt', async () => {
      p.rack.faults.add({ match: { path: '/apps/storefront/restart' }, effect: { hangup: true } });
      const res = await restart();
      expect(res.status).toBeGreaterThanOrEqual(500);
      const [attempt, outcome] = p.h.audit.of('app.restart');
      expect(attempt?.status).toBe('attempt');
      expect(outcome).toMatchObject({ status: 'error', httpStatus: res.status });
      expect(outcome?.details?.attempt_seq).toBe(attempt?.seq);
    });

    it("commits the env API's release attempt before the rack creates the release", async () => {
      const bearer = await p.cliToken('deployer');
      const put = () =>
        callApi(p.h.url, { bearer }, 'PUT', '/api/v1/apps/docs/env', {
          body: { set: { ATTEMPT_TEST: String(Date.now()) } },
          headers: { 'x-mfa-totp': TOTP },
        });
      p.h.audit.failDurable = true;
      const since = lastRackSeq();
      const refused = await put();
      expect(refused.status).toBe(503);
      expect(rackSince(since).filter((r) => r.method === 'POST')).toEqual([]);

      p.h.audit.failDurable = false;
      const res = await put();
      expect(res.status).toBe(200);
      const [attempt, created] = p.h.audit.of('release.create');
      expect(attempt).toMatchObject({ status: 'attempt', resource: 'docs' });
      expect(created).toMatchObject({ status: 'success', resource: res.body.release });
      expect(created?.details?.attempt_seq).toBe(attempt?.seq);
    });

    it('commits an exec attempt before the rack socket is dialled', async () => {
      const url = `${p.proxyUrl.replace(/^http/, 'ws')}/apps/storefront/processes/web/exec`;
      const headers = { authorization: deployer, command: 'echo hi', tty: 'false' };
      p.h.audit.failDurable = true;
      const since = lastRackSeq();
      const refused = await openSocket(url, headers).catch((e: { status?: number }) => e);
      expect((refused as { status?: number }).status).toBe(503);
      expect(rackSince(since)).toEqual([]);

      p.h.audit.failDurable = false;
      const opened = await openSocket(url, headers);
      opened.socket.send(Buffer.alloc(0), { binary: true });
      await opened.closed;
      const [attempt, open] = p.h.audit.of('process.exec.open');
      expect(attempt?.status).toBe('attempt');
      expect(open).toMatchObject({ status: 'success', httpStatus: 101 });
      expect(open?.details?.attempt_seq).toBe(attempt?.seq);
      expect(p.h.audit.events.indexOf(attempt as never)).toBe(0);
    });
  });

  describe('finding 4: wrong error after a mutation reached the rack', () => {
    it('answers audit_unavailable "reached the rack" without Retry-After; the rack got it once', async () => {
      p.h.audit.failOutcome = storeFailedAfterForwarding();
      const since = lastRackSeq();
      const res = await restart();
      expect(res.status).toBe(503);
      expect(res.headers.get('x-error-reason')).toBe('audit_unavailable');
      expect(res.headers.get('retry-after')).toBeNull();
      const body = (await res.json()) as { error: string; code: string };
      expect(body).toMatchObject({ code: 'audit_unavailable', error: NOT_RECORDED_AFTER });
      expect(body.error).toContain('reached the rack');
      expect(rackSince(since)).toHaveLength(1);
    });

    it("maps the gateway's own error before a database error it wraps", () => {
      const mapped = mapError(storeFailedAfterForwarding(), 'req-1');
      expect(mapped).toMatchObject({ status: 503, body: { error: 'audit_unavailable' } });
      expect(mapped.headers).not.toHaveProperty('retry-after');
    });
  });
});
