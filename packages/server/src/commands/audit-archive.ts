// `rack-gateway-server audit archive --older-than <days>` (audit.md §2.2): moves the oldest event
// partitions, once every event in them is older than the cut-off, to the anchor bucket and drops
// them. Runs as the audit owner through the migration session (DATABASE_MIGRATION_URL).
import { createAnchorBucket } from '../audit/anchors/anchor-bucket.js';
import { archivePartitions } from '../audit/archive/archive-partitions.js';
import { keyringFromConfig } from '../audit/chain/keys.js';
import { openDatabase } from '../db/connect.js';
import { createLogger } from '../logging/logger.js';
import { loadOrExit } from './load.js';
import { EXIT, err, out } from './output.js';

export interface ArchiveFlags {
  readonly olderThan: number;
  readonly dryRun?: boolean;
  readonly segmentEvents?: number;
}

const DAY_MS = 86_400_000;

export async function auditArchiveCommand(flags: ArchiveFlags): Promise<number> {
  const { config } = loadOrExit();
  const anchor = config.audit.anchor;
  if (anchor === null) {
    err(
      'audit archive needs the anchor bucket: set AUDIT_ANCHOR_BUCKET (archives live beside the anchors)',
    );
    return EXIT.usage;
  }
  const logger = createLogger({
    ...config,
    logging: { ...config.logging, format: 'json', level: 'warn' },
  });
  const opened = await openDatabase(config, logger);
  const session = await opened.openMigrationSession();
  const now = new Date();
  try {
    const done = await archivePartitions({
      session,
      bucket: createAnchorBucket(anchor),
      chainId: config.audit.chainId,
      keyring: keyringFromConfig(config),
      prefix: anchor.prefix,
      retentionDays: anchor.retentionDays,
      kmsKeyId: anchor.kmsKeyId,
      before: new Date(now.getTime() - flags.olderThan * DAY_MS),
      now,
      ...(flags.segmentEvents !== undefined ? { segmentEvents: flags.segmentEvents } : {}),
      dryRun: flags.dryRun === true,
      progress: out,
    });
    const verb = flags.dryRun === true ? 'would archive' : 'archived';
    for (const p of done) out(`${verb} ${p.name}: seq ${p.firstSeq}–${p.lastSeq}`);
    if (done.length === 0) out(`no partition holds only events older than ${flags.olderThan} days`);
    return EXIT.ok;
  } catch (e) {
    err(`audit archive failed: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await session.release();
    await opened.db.close().catch(() => undefined);
  }
}
