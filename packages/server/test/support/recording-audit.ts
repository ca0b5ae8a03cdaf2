// An AuditLog for tests: records every appended event, and can be made unhealthy or failing to
// exercise the fail-closed rules (audit.md §6).
import type { AuditEventInput, AuditLog } from '../../src/audit/audit-log.js';

export class RecordingAudit implements AuditLog {
  readonly events: (AuditEventInput & { durable: boolean; seq: number })[] = [];
  unhealthy = false;
  failDurable = false;
  /** Thrown by durable appends other than attempts: the store failed after forwarding. */
  failOutcome: Error | null = null;
  private seq = 0;

  /** Non-durable appends wait for this (a full queue holding reads back), then throw `failReads`. */
  readGate: Promise<void> | null = null;
  failReads: Error | null = null;

  async append(event: AuditEventInput, options: { durable: boolean }): Promise<void> {
    if (!options.durable) {
      await this.readGate;
      if (this.failReads) throw this.failReads;
    }
    await this.record(event, options.durable);
  }

  commit(event: AuditEventInput): Promise<number | null> {
    return this.record(event, true);
  }

  private async record(event: AuditEventInput, durable: boolean): Promise<number> {
    if (durable && this.failDurable) throw new Error('audit store unavailable (test)');
    if (durable && event.status !== 'attempt' && this.failOutcome) throw this.failOutcome;
    this.seq += 1;
    this.events.push({ ...event, durable, seq: this.seq });
    return this.seq;
  }

  healthy(): boolean {
    return !this.unhealthy;
  }

  /** Events of `action`, oldest first. */
  of(action: string): (AuditEventInput & { durable: boolean; seq: number })[] {
    return this.events.filter((e) => e.action === action);
  }

  /** Events of `action` other than the attempts recorded before forwarding, oldest first. */
  outcomes(action: string): (AuditEventInput & { durable: boolean; seq: number })[] {
    return this.of(action).filter((e) => e.status !== 'attempt');
  }

  clear(): void {
    this.events.length = 0;
  }
}
