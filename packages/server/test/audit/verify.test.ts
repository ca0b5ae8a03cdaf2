// audit.md §15 and acceptance check 4: after a superuser edits a row (triggers disabled) or deletes
// one, verification reports the first bad sequence number with its reason and exit code 1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/audit/chain/keys.js';
import { chainAuditLog } from '../../src/audit/chain-audit-log.js';
import {
  formatVerifyReport,
  verifyAudit,
  verifyExitCode,
} from '../../src/audit/verify/verify-audit.js';
import { systemClock } from '../../src/lib/clock.js';
import { createTestDb, type TestDatabase } from '../support/test-db.js';
import { CHAIN, KEYRING, makeWriter, sampleEvent, tamper } from './support.js';

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await createTestDb();
  const writer = makeWriter(tdb.db, { batchMaxEvents: 7 });
  const log = chainAuditLog(writer, { appendTimeoutMs: 10_000, clock: systemClock });
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => log.append(sampleEvent(i), { durable: true })),
  );
  await writer.close(5000);
});
afterEach(async () => {
  await tdb.close();
});

const verify = (keyring = KEYRING, range: { from?: number; to?: number } = {}) =>
  verifyAudit({ db: tdb.db, chainId: CHAIN, keyring, anchors: null, now: new Date(), ...range });

describe('audit verify (chain)', () => {
  it('reports an intact chain with exit code 0', async () => {
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checked_events: 41, first_break: null });
    expect(report.head?.seq).toBe(41);
    expect(verifyExitCode(report)).toBe(0);
    expect(formatVerifyReport(report)).toMatch(/INTACT/);
  });

  it('names the edited row: one byte of details changed → hmac_mismatch', async () => {
    await tamper(
      tdb.db,
      `UPDATE audit.audit_event SET details = replace(details, '"n":17', '"n":18') WHERE seq = 19`,
    );
    const report = await verify();
    expect(report.first_break).toMatchObject({ seq: 19, reason: 'hmac_mismatch' });
    expect(verifyExitCode(report)).toBe(1);
    expect(formatVerifyReport(report)).toMatch(/first break: seq 19 \(hmac_mismatch\)/);
  });

  it('names the deleted row → gap', async () => {
    await tamper(tdb.db, 'DELETE FROM audit.audit_event WHERE seq = 23');
    const report = await verify();
    expect(report.first_break).toMatchObject({ seq: 23, reason: 'gap' });
    expect(report.checked_events).toBe(22);
    expect(verifyExitCode(report)).toBe(1);
  });

  it('detects a rewritten link even when the row re-hashes with the attacker-chosen previous hash', async () => {
    await tamper(
      tdb.db,
      `UPDATE audit.audit_event SET previous_hash = decode(repeat('ab', 32), 'hex') WHERE seq = 5`,
    );
    expect((await verify()).first_break).toMatchObject({ seq: 5, reason: 'link_mismatch' });
  });

  it('verifies a range incrementally from --from to --to', async () => {
    const report = await verify(KEYRING, { from: 10, to: 20 });
    expect(report).toMatchObject({ ok: true, checked_events: 11, head: { seq: 20 } });
  });

  it('is inconclusive (exit 3) when a key used by the chain is not configured', async () => {
    const other = createKeyring({ id: 'k9', secret: Buffer.from('e'.repeat(64)) });
    const report = await verify(other);
    expect(report.first_break).toMatchObject({ seq: 1, reason: 'unknown_key' });
    expect(verifyExitCode(report)).toBe(3);
  });
});
