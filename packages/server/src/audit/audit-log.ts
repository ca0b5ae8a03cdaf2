// The one interface every domain uses to record audit events (audit.md). Producers describe what
// happened; the chain writer assigns seq, ts and hashes. Until the durable store is wired in, a
// logger-backed implementation stands in (it never claims durability it does not have).
import type { Logger } from '../logging/logger.js';
import type { AuditAction, AuditStatus, ResourceType } from './catalogue.js';

export type ActorType = 'user' | 'api_token' | 'system' | 'anonymous';
export type Channel = 'web' | 'cli' | 'token' | 'system';

export interface AuditEventInput {
  readonly action: AuditAction;
  readonly status: AuditStatus;
  readonly actorType: ActorType;
  readonly channel: Channel;
  readonly occurredAt?: Date;
  readonly userId?: string | null;
  readonly userEmail?: string;
  readonly userName?: string;
  readonly apiTokenId?: string | null;
  readonly apiTokenName?: string;
  readonly sessionId?: string | null;
  readonly resource?: string;
  /** Overrides the catalogue's resource type (required when the catalogue has none). */
  readonly resourceType?: ResourceType;
  readonly rbacDecision?: 'allow' | 'deny' | '';
  readonly httpStatus?: number | null;
  readonly responseTimeMs?: number;
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly requestId?: string;
  readonly deployApprovalId?: string | null;
  readonly terminalSessionId?: string | null;
  readonly command?: string;
  /** Catalogue-defined fields; redacted before storage. Never put secrets here. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditLog {
  /**
   * Appends an event. `durable: true` (mutations) resolves only once the event is committed and
   * rejects when it cannot be (the caller answers 503); `durable: false` (reads, denials) enqueues.
   */
  append(event: AuditEventInput, options: { durable: boolean }): Promise<void>;
  /**
   * A durable append that resolves to the event's chain sequence number (null where there is no
   * chain), so a later event can name it (a mutation's outcome names its attempt).
   */
  commit(event: AuditEventInput): Promise<number | null>;
  /** False when mutations must be refused before doing anything (audit.md §6). */
  healthy(): boolean;
}

/** Stand-in used until the chain writer exists: events go to the log as JSON lines. */
export function loggerAuditLog(logger: Logger): AuditLog {
  return {
    async append(event) {
      logger.info({ log_type: 'audit_pending', ...event }, `audit ${event.action}`);
    },
    async commit(event) {
      logger.info({ log_type: 'audit_pending', ...event }, `audit ${event.action}`);
      return null;
    },
    healthy: () => true,
  };
}
