// The audit store's refusals (audit.md §6): 503 `audit_unavailable`, with a message that tells the
// caller whether the change happened.
import { ServiceUnavailableError } from '../http/errors.js';

export const NOT_RECORDED_BEFORE =
  'The audit log is unavailable, so nothing was changed; try again shortly.';
export const NOT_RECORDED_READ =
  'The audit log is too busy to record this request, so it was not answered; try again shortly.';
export const NOT_RECORDED_AFTER =
  'The request reached the rack but could not be recorded; it will be recorded when the audit store recovers.';

export class AuditUnavailableError extends ServiceUnavailableError {
  constructor(message: string, cause?: unknown) {
    super('audit_unavailable', message, cause);
  }
}
