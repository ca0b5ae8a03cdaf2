// The `audit` subcommands' options (config.md §4); invalid numbers are usage errors (exit 2).
import { type Command, InvalidArgumentError } from 'commander';
import {
  auditAnchorCommand,
  auditRebuildViewCommand,
  auditVerifyCommand,
  type VerifyFlags,
} from './audit.js';
import { type ArchiveFlags, auditArchiveCommand } from './audit-archive.js';

function countArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('must be a whole number ≥ 1');
  }
  return Number(value);
}

function timeArg(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw new InvalidArgumentError('must be an ISO 8601 time, e.g. 2026-01-31T00:00:00Z');
  }
  return d;
}

function seqArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('must be a sequence number (an integer ≥ 1)');
  }
  return Number(value);
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('audit log tools');
  audit
    .command('verify')
    .description(
      'verify the audit chain and its S3 anchors (exit 0 intact, 1 broken, 3 inconclusive)',
    )
    .option('--from <seq>', 'first sequence number to check', seqArg)
    .option('--to <seq>', 'last sequence number to check', seqArg)
    .option('--no-anchors', 'skip the S3 anchors')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'print nothing when the chain is intact')
    .option(
      '--demo',
      "verify the demo's chain (npm start's data dir and secrets; stop the demo first)",
    )
    .action(async (opts: VerifyFlags) => process.exit(await auditVerifyCommand(opts)));
  audit
    .command('anchor')
    .description('write an S3 anchor of the chain head now')
    .action(async () => process.exit(await auditAnchorCommand()));
  audit
    .command('archive')
    .description(
      'move the oldest event partitions, when all their events are older than the cut-off, to the anchor bucket',
    )
    .option('--older-than <days>', 'archive partitions whose newest event is older', countArg)
    .option('--before <time>', 'archive partitions whose newest event is before this time', timeArg)
    .option('--segment-events <n>', 'events per archive object (default 50000)', countArg)
    .option('--dry-run', 'list the partitions that would be archived')
    .action(async (opts: ArchiveFlags) => process.exit(await auditArchiveCommand(opts)));
  audit
    .command('rebuild-view')
    .description('rebuild the aggregated audit view from the raw events')
    .action(async () => process.exit(await auditRebuildViewCommand()));
}
