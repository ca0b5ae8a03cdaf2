// Every schema change, in order. A shipped migration is never edited (its checksum is recorded);
// add a new one instead. SQL stays within what PostgreSQL 15 and PGlite both accept.
import { m0001Foundation } from './0001-foundation.js';
import { m0002Identity } from './0002-identity.js';
import { m0003Audit } from './0003-audit.js';
import { m0004ApiTokens } from './0004-api-tokens.js';
import { m0005Mfa } from './0005-mfa.js';
import { m0007AuditHead } from './0007-audit-head.js';
import { m0008AuditQueries } from './0008-audit-queries.js';
import { m0009AuditPartitions } from './0009-audit-partitions.js';

export interface Migration {
  readonly id: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  m0001Foundation,
  m0002Identity,
  m0003Audit,
  m0004ApiTokens,
  m0005Mfa,
  m0007AuditHead,
  m0008AuditQueries,
  m0009AuditPartitions,
];
