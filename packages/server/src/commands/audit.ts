// `rack-gateway-server audit verify | anchor | rebuild-view` (config.md §4, audit.md §15).
// verify exits 0 intact, 1 tampered/truncated, 2 usage or configuration, 3 inconclusive.
import { createAnchorBucket } from '../audit/anchors/anchor-bucket.js';
import { createAuditService } from '../audit/audit-service.js';
import { checkChainId } from '../audit/chain/chain-setup.js';
import { keyringFromConfig } from '../audit/chain/keys.js';
import { rebuildView } from '../audit/store/aggregated-store.js';
import {
  formatVerifyReport,
  VERIFY_EXIT,
  verifyAudit,
  verifyExitCode,
} from '../audit/verify/verify-audit.js';
import type { Config } from '../config/types.js';
import { openDatabase } from '../db/connect.js';
import { loadOrExit, quietLogger } from './load.js';
import { EXIT, err, out } from './output.js';

export interface VerifyFlags {
  readonly from?: number;
  readonly to?: number;
  readonly anchors?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** Verify the demo's chain: the configuration `serve --demo` (npm start) loads, same data dir. */
  readonly demo?: boolean;
}

/** The embedded database of one data dir opens in one process only (embedded-lock.ts). */
async function openForVerify(config: Config, demo: boolean) {
  try {
    return await openDatabase(config, quietLogger(config));
  } catch (e) {
    const hint = demo
      ? ' (stop the demo, npm start, first: the embedded database has one user)'
      : '';
    err(`audit verify inconclusive: ${(e as Error).message}${hint}`);
    return undefined;
  }
}

export async function auditVerifyCommand(flags: VerifyFlags): Promise<number> {
  const { config } = loadOrExit({ demo: flags.demo === true });
  if (flags.from !== undefined && flags.to !== undefined && flags.to < flags.from) {
    err('--to must not be smaller than --from');
    return VERIFY_EXIT.usage;
  }
  const anchor = config.audit.anchor;
  const opened = await openForVerify(config, flags.demo === true);
  if (opened === undefined) return VERIFY_EXIT.inconclusive;
  try {
    const report = await verifyAudit({
      db: opened.db,
      chainId: config.audit.chainId,
      keyring: keyringFromConfig(config),
      ...(flags.from !== undefined ? { from: flags.from } : {}),
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      anchors:
        flags.anchors === false || anchor === null
          ? null
          : {
              bucket: createAnchorBucket(anchor),
              prefix: anchor.prefix,
              retentionDays: anchor.retentionDays,
            },
      now: new Date(),
      embedded: opened.db.kind === 'pglite',
    });
    const code = verifyExitCode(report);
    if (flags.json) out(JSON.stringify(report));
    else if (!flags.quiet || code !== VERIFY_EXIT.ok) out(formatVerifyReport(report));
    else for (const w of report.warnings) err(`WARNING: ${w}`);
    return code;
  } catch (e) {
    err(`audit verify inconclusive: ${(e as Error).message}`);
    return VERIFY_EXIT.inconclusive;
  } finally {
    await opened.db.close().catch(() => undefined);
  }
}

export async function auditAnchorCommand(): Promise<number> {
  const { config } = loadOrExit();
  if (config.audit.anchor === null) {
    err('AUDIT_ANCHOR_BUCKET is not set: anchoring is disabled');
    return EXIT.usage;
  }
  const logger = quietLogger(config);
  const opened = await openDatabase(config, logger);
  const service = createAuditService({ config, db: opened.db, logger });
  try {
    await checkChainId(opened.db, config.audit.chainId);
    const outcome = await service.anchors?.run('manual');
    out(
      outcome?.status === 'written' ? `anchor written: ${outcome.key}` : 'no events to anchor yet',
    );
    return EXIT.ok;
  } catch (e) {
    err(`audit anchor failed: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await service.close();
    await opened.db.close().catch(() => undefined);
  }
}

export async function auditRebuildViewCommand(): Promise<number> {
  const { config } = loadOrExit();
  const opened = await openDatabase(config, quietLogger(config));
  try {
    const n = await rebuildView(opened.db, config.audit.chainId);
    out(`aggregated view rebuilt from ${n} events`);
    return EXIT.ok;
  } catch (e) {
    err(`audit rebuild-view failed: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await opened.db.close().catch(() => undefined);
  }
}
