// Issue 16 (audit.md §6): a proxied read is recorded before its answer is sent, without waiting for
// the commit. While the audit queue is full the answer waits (backpressure on the client); when it
// stays full the client gets 503 audit_unavailable instead of an answer whose event was lost.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditUnavailableError, NOT_RECORDED_READ } from '../../src/audit/audit-errors.js';
import { basic, type ProxyHarness, startProxyHarness } from './proxy-harness.js';

describe('proxied reads and the audit queue', () => {
  let p: ProxyHarness;
  let viewer: string;
  const apps = () =>
    fetch(`${p.proxyUrl}/apps`, { headers: { authorization: viewer, accept: 'application/json' } });

  beforeAll(async () => {
    p = await startProxyHarness();
    viewer = basic(await p.cliToken('viewer'));
  });
  afterAll(async () => {
    await p?.close();
  });
  beforeEach(() => {
    p.h.audit.clear();
    p.h.audit.readGate = null;
    p.h.audit.failReads = null;
  });

  it('holds the answer while the queue is full and sends it once the event is queued', async () => {
    let open = (): void => undefined;
    p.h.audit.readGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const since = p.rack.requests.list().at(-1)?.seq ?? 0;
    let answered = false;
    const res = apps().then((r) => {
      answered = true;
      return r;
    });
    await expect.poll(() => p.rack.requests.list(since).length).toBe(1);
    // The rack has answered; the gateway is waiting for room in the audit queue.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    expect(p.h.audit.of('app.list')).toEqual([]);
    open();
    expect((await res).status).toBe(200);
    expect(p.h.audit.of('app.list')).toMatchObject([{ status: 'success', durable: false }]);
  });

  it('answers 503 audit_unavailable when the queue stays full, instead of dropping the event', async () => {
    p.h.audit.failReads = new AuditUnavailableError(NOT_RECORDED_READ);
    const res = await apps();
    expect(res.status).toBe(503);
    expect(res.headers.get('x-error-reason')).toBe('audit_unavailable');
    expect(((await res.json()) as { error: string }).error).toBe(NOT_RECORDED_READ);
  });
});
