// An AuditLog for tests: records every appended event, and can be made unhealthy or failing to
// exercise the fail-closed rules (audit.md §6).
import type { AuditEventInput, AuditLog } from '../../src/audit/audit-log.js';

export class RecordingAudit implements AuditLog {
  readonly events: (AuditEventInput & { durable: boolean })[] = [];
  unhealthy = false;
  failDurable = false;

  async append(event: AuditEventInput, options: { durable: boolean }): Promise<void> {
    if (options.durable && this.failDurable) throw new Error('audit store unavailable (test)');
    this.events.push({ ...event, durable: options.durable });
  }

  healthy(): boolean {
    return !this.unhealthy;
  }

  /** Events of `action`, oldest first. */
  of(action: string): (AuditEventInput & { durable: boolean })[] {
    return this.events.filter((e) => e.action === action);
  }

  clear(): void {
    this.events.length = 0;
  }
}
