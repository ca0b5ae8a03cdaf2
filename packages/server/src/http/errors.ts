// One error family for the whole server: every error we raise has a stable code, an HTTP status
// and an `expose` flag. Lower-layer failures are wrapped with the original kept as `cause`.

export interface ErrorOptions {
  readonly message?: string;
  readonly expose?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra JSON fields of the error body (e.g. `permission`); never secrets. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(status: number, code: string, options: ErrorOptions = {}) {
    super(options.message ?? code, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

export class BadRequestError extends GatewayError {
  constructor(code: string, message: string, extra?: Record<string, unknown>) {
    super(400, code, { message, ...(extra ? { extra } : {}) });
  }
}

export class UnauthenticatedError extends GatewayError {
  constructor(
    code: 'unauthenticated' | 'session_expired' | string = 'unauthenticated',
    message?: string,
  ) {
    super(401, code, { message: message ?? 'Authentication required. Sign in again.' });
  }
}

export class ForbiddenError extends GatewayError {
  constructor(code: string, message: string, options: Omit<ErrorOptions, 'message'> = {}) {
    super(403, code, { ...options, message });
  }
}

export class NotFoundError extends GatewayError {
  constructor(code = 'not_found', message = 'Not found.') {
    super(404, code, { message });
  }
}

export class ConflictError extends GatewayError {
  constructor(code: string, message: string) {
    super(409, code, { message });
  }
}

export class ServiceUnavailableError extends GatewayError {
  constructor(
    code: string,
    message: string,
    cause?: unknown,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(503, code, { message, expose: true, cause, headers });
  }
}

/** Nothing was done, so the client may retry: the only 503 that carries Retry-After. */
export class DatabaseUnavailableError extends ServiceUnavailableError {
  constructor(cause?: unknown) {
    super('database_unavailable', 'The database is unavailable; try again shortly.', cause, {
      'retry-after': '5',
    });
  }
}
