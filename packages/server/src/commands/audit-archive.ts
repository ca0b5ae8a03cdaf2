// `rack-gateway-server audit archive --older-than <days> | --before <time>` (audit.md §2.2): moves
// the oldest event partitions, once every event in them is older than the cut-off, to the anchor
// bucket and drops them. Runs as the audit owner through the migration session (DATABASE_MIGRATION_URL).
import { createAnchorBucket } from '../audit/anchors/anchor-bucket.js';
import { archivePartitions } from '../audit/archive/archive-partitions.js';
import { keyringFromConfig } from '../audit/chain/keys.js';
import { openDatabase } from '../db/connect.js';
import { loadOrExit, quietLogger } from './load.js';
import { EXIT, err, out } from './output.js';

export interface ArchiveFlags {
  readonly olderThan?: number;
  readonly before?: Date;
  readonly dryRun?: boolean;
  readonly segmentEvents?: number;
}

const DAY_MS = 86_400_000;

/** The cut-off: exactly one of --older-than and --before. */
function cutOff(flags: ArchiveFlags, now: Date): Date | null {
  if ((flags.olderThan === undefined) === (flags.before === undefined)) return null;
  return flags.before ?? new Date(now.getTime() - (flags.olderThan ?? 0) * DAY_MS);
}

export async function auditArchiveCommand(flags: ArchiveFlags): Promise<number> {
  const now = new Date();
  const before = cutOff(flags, now);
  if (before === null) {
    err('give exactly one of --older-than <days> and --before <time>');
    return EXIT.usage;
  }
  const { config } = loadOrExit();
  const anchor = config.audit.anchor;
  if (anchor === null) {
    err(
      'audit archive needs the anchor bucket: set AUDIT_ANCHOR_BUCKET (archives live beside the anchors)',
    );
    return EXIT.usage;
  }
  const logger = quietLogger(config);
  const opened = await openDatabase(config, logger);
  const session = await opened.openMigrationSession();
  try {
    const done = await archivePartitions({
      session,
      bucket: createAnchorBucket(anchor),
      chainId: config.audit.chainId,
      keyring: keyringFromConfig(config),
      prefix: anchor.prefix,
      retentionDays: anchor.retentionDays,
      kmsKeyId: anchor.kmsKeyId,
      before,
      now,
      ...(flags.segmentEvents !== undefined ? { segmentEvents: flags.segmentEvents } : {}),
      dryRun: flags.dryRun === true,
      progress: out,
    });
    const verb = flags.dryRun === true ? 'would archive' : 'archived';
    for (const p of done) out(`${verb} ${p.name}: seq ${p.firstSeq}–${p.lastSeq}`);
    if (done.length === 0)
      out(`no partition behind the head holds only events before ${before.toISOString()}`);
    return EXIT.ok;
  } catch (e) {
    err(`audit archive failed: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    await session.release();
    await opened.db.close().catch(() => undefined);
  }
}
