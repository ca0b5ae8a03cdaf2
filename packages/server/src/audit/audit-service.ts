// Assembles the audit subsystem of one process from the configuration: THE chain writer, the real
// AuditLog, stdout lines, anchors and the SIEM webhook, plus the start-up step and the shutdown
// flush. `serve` and the audit subcommands use it; nothing here is global.
import type { BootstrapStep } from '../bootstrap.js';
import { FatalStartupError } from '../bootstrap.js';
import type { Config } from '../config/types.js';
import type { Database } from '../db/database.js';
import { warnAboutDatabaseRole } from '../db/role-check.js';
import { type Clock, systemClock } from '../lib/clock.js';
import type { Logger } from '../logging/logger.js';
import { type AnchorBucket, createAnchorBucket } from './anchors/anchor-bucket.js';
import { AnchorService, ObjectLockMissingError } from './anchors/anchor-service.js';
import { TerminalCapture } from './capture/terminal-capture.js';
import {
  ChainConfigError,
  checkChainHead,
  checkChainId,
  checkKeyReuse,
} from './chain/chain-setup.js';
import { ChainWriter } from './chain/chain-writer.js';
import { readHead } from './chain/head.js';
import { ChainTruncatedError } from './chain/head-witness.js';
import { keyringFromConfig } from './chain/keys.js';
import { type ChainAuditLog, chainAuditLog } from './chain-audit-log.js';
import { type LineWriter, stdoutShape, stdoutWriter, unflushedShape } from './stdout-lines.js';
import { VerifyRunner } from './verify/verify-runs.js';
import { WebhookDelivery } from './webhook/webhook-delivery.js';

export interface AuditServiceDeps {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Where audit JSON lines go (stdout by default). */
  readonly lines?: LineWriter;
  /** Bucket override (tests point it at their S3 server with explicit credentials). */
  readonly bucket?: AnchorBucket;
}

export interface AuditService {
  readonly log: ChainAuditLog;
  readonly writer: ChainWriter;
  readonly anchors: AnchorService | null;
  /** Exec/run capture store for the rack proxy (audit.md §16). */
  readonly capture: TerminalCapture;
  /** Chain checks, genesis/rotation, anchors, background loops, then `system.start`. */
  startupStep(): BootstrapStep;
  /** Flushes for up to `timeoutMs`; prints every unflushed event as `audit_unflushed`. */
  close(timeoutMs?: number): Promise<void>;
}

/** Wall-clock microseconds: Date.now() plus the sub-millisecond part of the monotonic clock. */
export const nowMicros = (): number =>
  Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);

const SHUTDOWN_FLUSH_MS = 10_000;
const DAY_MS = 86_400_000;

function buildAnchors(deps: AuditServiceDeps, log: ChainAuditLog): AnchorService | null {
  const anchor = deps.config.audit.anchor;
  if (anchor === null) return null;
  const clock = deps.clock ?? systemClock;
  return new AnchorService(
    {
      db: deps.db,
      bucket: deps.bucket ?? createAnchorBucket(anchor),
      audit: log,
      chainId: deps.config.audit.chainId,
      prefix: anchor.prefix,
      retentionDays: anchor.retentionDays,
      kmsKeyId: anchor.kmsKeyId,
      everyEvents: anchor.everyEvents,
      intervalMinutes: anchor.intervalMinutes,
      gatewayVersion: deps.config.version,
      replicaId: deps.config.server.replicaId,
      now: () => clock.now(),
    },
    deps.logger,
  );
}

export function createAuditService(deps: AuditServiceDeps): AuditService {
  const { config, db, logger } = deps;
  const lines = deps.lines ?? stdoutWriter;
  const keyring = keyringFromConfig(config);
  const chainId = config.audit.chainId;
  const writer = new ChainWriter({
    db,
    logger,
    batch: { chainId, keyring, nowUs: nowMicros, partitionEvents: config.audit.partitionEvents },
    batchMaxEvents: config.audit.batchMaxEvents,
    batchLingerMs: config.audit.batchLingerMs,
    readLingerMs: config.audit.readLingerMs,
    queueMax: config.audit.queueMax,
  });
  const log = chainAuditLog(writer, {
    appendTimeoutMs: config.audit.appendTimeoutMs,
    clock: deps.clock ?? systemClock,
    onUnqueued: (fields) => lines(JSON.stringify(unflushedShape(fields))),
  });
  if (config.audit.stdout) {
    writer.onCommit((r) => {
      for (const e of r.events) lines(JSON.stringify(stdoutShape(e)));
    });
  }
  const anchors = buildAnchors(deps, log);
  if (anchors) writer.onCommit((r) => anchors.onCommitted(r));
  const webhook = config.audit.webhook
    ? new WebhookDelivery({ db, logger, chainId, webhook: config.audit.webhook })
    : null;
  if (webhook) writer.onCommit(() => webhook.wake());
  const capture = new TerminalCapture({
    db,
    maxBytes: config.audit.captureMaxBytes,
    retentionDays: config.audit.captureRetentionDays,
  });
  const verifier = new VerifyRunner({
    config,
    db,
    audit: log,
    logger,
    ...(deps.bucket ? { bucket: deps.bucket } : {}),
  });
  const purge = setInterval(() => {
    capture
      .purgeExpiredFrames()
      .catch((err: unknown) =>
        logger.warn({ err: (err as Error).message }, 'terminal frame retention purge failed'),
      );
  }, DAY_MS);
  purge.unref();

  const startupStep = (): BootstrapStep => ({
    name: 'audit chain',
    async run() {
      try {
        await checkChainId(db, chainId);
        await checkChainHead(db, chainId);
        await checkKeyReuse(db, chainId, keyring);
        await anchors?.checkObjectLock(config.audit.anchor?.requireObjectLock ?? true);
      } catch (err) {
        if (err instanceof ChainTruncatedError) {
          logger.error({ security_alert: true, chain_id: chainId }, err.message);
        }
        if (
          err instanceof ChainConfigError ||
          err instanceof ObjectLockMissingError ||
          err instanceof ChainTruncatedError
        ) {
          throw new FatalStartupError(err.message);
        }
        throw err;
      }
      await warnAboutDatabaseRole(db, logger);
      await writer.commitNow();
      writer.start();
      await anchors?.start();
      webhook?.start();
      verifier.schedule();
      const head = (await readHead(db, chainId))?.seq ?? null;
      await log.append(
        {
          action: 'system.start',
          status: 'success',
          actorType: 'system',
          channel: 'system',
          resource: config.server.replicaId,
          details: { version: config.version, replica_id: config.server.replicaId, head_seq: head },
        },
        { durable: true },
      );
    },
  });

  return {
    log,
    writer,
    anchors,
    capture,
    startupStep,
    async close(timeoutMs = SHUTDOWN_FLUSH_MS) {
      clearInterval(purge);
      await verifier.close();
      await anchors?.close();
      const left = await writer.close(timeoutMs);
      for (const fields of left) lines(JSON.stringify(unflushedShape(fields)));
      if (left.length > 0)
        logger.error({ unflushed: left.length }, 'audit events printed as audit_unflushed');
      await webhook?.close();
    },
  };
}
