// audit.md §9 folding rule as a pure plan: same actor and grouping fields within 15 minutes fold;
// other actors in between do not break a run; a gap over 15 minutes or a changed field starts a row.
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/audit/chain/event-fields.js';
import { FOLD_WINDOW_US, planFold } from '../../src/audit/store/aggregate-fold.js';

let seq = 0;
function ev(user: string, tsUs: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  seq += 1;
  return {
    chainId: 'c',
    seq,
    keyId: 'k1',
    previousHash: Buffer.alloc(32),
    tsUs,
    occurredAtUs: tsUs,
    eventId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    actorType: 'user',
    userId: null,
    userEmail: user,
    userName: '',
    apiTokenId: null,
    apiTokenName: '',
    sessionId: null,
    channel: 'cli',
    actionType: 'convox',
    action: 'app.list',
    resource: 'all',
    resourceType: 'app',
    status: 'success',
    rbacDecision: 'allow',
    httpStatus: 200,
    responseTimeMs: 5,
    ipAddress: '127.0.0.1',
    userAgent: 'ua',
    requestId: `r${seq}`,
    deployApprovalId: null,
    terminalSessionId: null,
    command: '',
    details: '{}',
    eventHash: Buffer.alloc(32),
    ...overrides,
  };
}

const fresh = () => ({ latest: new Map(), exec: new Map(), attempts: new Map() });

describe('aggregated view folding', () => {
  it('folds one actor’s identical events across other actors’ events', () => {
    const t = 1_000_000;
    const rows = planFold(
      [ev('a', t), ev('b', t + 1), ev('a', t + 2), ev('b', t + 3), ev('a', t + 4)],
      fresh(),
    );
    expect(rows.map((r) => [r.actorKey.split('|')[0], r.addCount])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('starts a new row after 15 minutes or when a grouping field changes', () => {
    const t = 1_000_000;
    const rows = planFold(
      [
        ev('a', t),
        ev('a', t + FOLD_WINDOW_US),
        ev('a', t + 2 * FOLD_WINDOW_US + 1),
        ev('a', t + 2 * FOLD_WINDOW_US + 2, { status: 'denied' }),
      ],
      fresh(),
    );
    expect(rows.map((r) => r.addCount)).toEqual([2, 1, 1]);
  });

  it('folds process.exec.close into its open row with exit code and duration', () => {
    const sid = '7d0f5f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    const rows = planFold(
      [
        ev('a', 1, { action: 'process.exec.open', terminalSessionId: sid }),
        ev('a', 2),
        ev('a', 3, {
          action: 'process.exec.close',
          terminalSessionId: sid,
          status: 'error',
          details: '{"duration_ms":900,"exit_code":2}',
        }),
      ],
      fresh(),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      addCount: 2,
      closeStatus: 'error',
      exitCode: 2,
      durationMs: 900,
      lastSeq: rows[0]?.lastSeq,
    });
  });
});
