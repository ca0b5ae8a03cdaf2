// Typed errors of the rack client (convox-rack-api.md §3.4–3.5). HTTP errors carry the status and
// the message extracted like the convox SDK does; network and stream failures wrap their cause.

export type RackErrorCode =
  | 'rack_http_error'
  | 'rack_unauthorized'
  | 'rack_forbidden'
  | 'rack_not_found'
  | 'rack_network_error'
  | 'rack_stream_error'
  | 'rack_protocol_error'
  | 'rack_invalid_request';

export class RackError extends Error {
  override readonly name: string = 'RackError';
  constructor(
    readonly code: RackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A response with status ≥ 400. `message` is the rack's (or gateway's) error text. */
export class RackHttpError extends RackError {
  override readonly name: string = 'RackHttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Response headers, lower-cased names (e.g. the gateway's `x-error-reason`). */
    readonly headers: Readonly<Record<string, string>>,
    code: RackErrorCode = 'rack_http_error',
  ) {
    super(code, message);
  }

  /** The gateway's `X-Error-Reason`, when the error came from rack-gateway. */
  get reason(): string | undefined {
    return this.headers['x-error-reason'];
  }
}

export class RackUnauthorizedError extends RackHttpError {
  override readonly name = 'RackUnauthorizedError';
  constructor(message: string, headers: Readonly<Record<string, string>>) {
    super(401, message, headers, 'rack_unauthorized');
  }
}

export class RackForbiddenError extends RackHttpError {
  override readonly name = 'RackForbiddenError';
  constructor(message: string, headers: Readonly<Record<string, string>>) {
    super(403, message, headers, 'rack_forbidden');
  }
}

export class RackNotFoundError extends RackHttpError {
  override readonly name = 'RackNotFoundError';
  constructor(message: string, headers: Readonly<Record<string, string>>) {
    super(404, message, headers, 'rack_not_found');
  }
}

/** The rack could not be reached or the connection broke. */
export class RackNetworkError extends RackError {
  override readonly name = 'RackNetworkError';
  constructor(message: string, cause: unknown) {
    super('rack_network_error', message, { cause });
  }
}

/** A WebSocket ended abnormally (close code other than 1000/1001, or a dropped connection). */
export class RackStreamError extends RackError {
  override readonly name = 'RackStreamError';
  constructor(
    message: string,
    readonly closeCode?: number,
  ) {
    super('rack_stream_error', message);
  }
}

/** The rack answered something the client cannot read (bad JSON, wrong shape). */
export class RackProtocolError extends RackError {
  override readonly name = 'RackProtocolError';
  constructor(message: string, cause?: unknown) {
    super('rack_protocol_error', message, { cause });
  }
}

/** The request was refused before sending (bad URL, header value with CR/LF, …). */
export class RackRequestError extends RackError {
  override readonly name = 'RackRequestError';
  constructor(message: string) {
    super('rack_invalid_request', message);
  }
}

/**
 * The error message of an error response, as the convox SDK extracts it: the `error` field of a
 * JSON body, else the trimmed body, else `response status <N>`.
 */
export function errorMessage(status: number, body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === 'string' && error !== '') return error;
    }
  } catch {
    // not JSON: fall through to the text body
  }
  const text = body.trim();
  return text === '' ? `response status ${status}` : text;
}

/** The typed error for an error response. */
export function httpError(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): RackHttpError {
  const message = errorMessage(status, body);
  switch (status) {
    case 401:
      return new RackUnauthorizedError(message, headers);
    case 403:
      return new RackForbiddenError(message, headers);
    case 404:
      return new RackNotFoundError(message, headers);
    default:
      return new RackHttpError(status, message, headers);
  }
}
