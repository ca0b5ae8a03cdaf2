// Failures talking to the rack, mapped to the gateway's answers (convox-rack-api.md §5.4).
import { GatewayError } from '../http/errors.js';

export class RackUnavailableError extends GatewayError {
  constructor(cause: unknown) {
    const why =
      cause instanceof Error
        ? cause.cause instanceof Error
          ? cause.cause.message
          : cause.message
        : String(cause);
    super(502, 'rack_unavailable', { message: `rack unavailable: ${why}`, expose: true, cause });
  }
}

export class RackTimeoutError extends GatewayError {
  constructor(seconds: number, cause?: unknown) {
    super(504, 'rack_timeout', {
      message: `the rack did not answer within ${seconds} s`,
      expose: true,
      cause,
    });
  }
}

export class RackAuthFailedError extends GatewayError {
  constructor() {
    super(502, 'rack_auth_failed', {
      message: "the rack rejected the gateway's credentials",
      expose: true,
    });
  }
}

/** The rack refused one of the gateway's own calls: its status and message, passed on. */
export class RackAnswerError extends GatewayError {
  static from(status: number, body: string): RackAnswerError {
    let message = body.trim();
    try {
      const parsed = JSON.parse(body) as { error?: unknown };
      if (typeof parsed.error === 'string' && parsed.error !== '') message = parsed.error;
    } catch {
      // a text body is the message itself
    }
    return new RackAnswerError(status, message || `response status ${status}`);
  }

  private constructor(status: number, message: string) {
    super(status, 'rack_error', { message, expose: true });
  }
}
