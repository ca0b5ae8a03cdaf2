// The only place that turns an error into an HTTP error response. Exposed errors say what to do
// next; anything unexpected becomes a generic 500 carrying the request id, details go to the log.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnreachable } from './db-errors.js';
import { DatabaseUnavailableError, GatewayError } from './errors.js';

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

interface Mapped {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

function isFastifyError(err: unknown): err is FastifyError {
  return (
    err instanceof Error && typeof (err as FastifyError).code === 'string' && 'statusCode' in err
  );
}

const FASTIFY_CODES: Readonly<Record<string, { status: number; error: string; message: string }>> =
  {
    FST_ERR_CTP_INVALID_JSON_BODY: {
      status: 400,
      error: 'invalid_json',
      message: 'The request body is not valid JSON.',
    },
    FST_ERR_CTP_EMPTY_JSON_BODY: {
      status: 400,
      error: 'invalid_json',
      message:
        'The request body is empty but Content-Type is application/json; send a JSON object.',
    },
    FST_ERR_CTP_BODY_TOO_LARGE: {
      status: 413,
      error: 'body_too_large',
      message: 'The request body is too large.',
    },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
      status: 415,
      error: 'unsupported_media_type',
      message: 'Unsupported Content-Type; send application/json.',
    },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
      status: 400,
      error: 'invalid_request',
      message: 'Invalid Content-Length.',
    },
  };

function exposed(err: GatewayError): Mapped {
  return {
    status: err.status,
    body: { error: err.code, message: err.message, ...err.extra },
    headers: err.headers,
  };
}

/**
 * The gateway's own exposed error wins over whatever it wraps: `audit_unavailable` after a
 * mutation reached the rack must not turn into "try again" because its cause is a database error
 * (a retry would repeat the mutation). Only errors the gateway did not classify are searched for
 * an unreachable database.
 */
export function mapError(err: unknown, requestId: string): Mapped {
  if (err instanceof GatewayError && err.expose) return exposed(err);
  if (isDatabaseUnreachable(err)) return exposed(new DatabaseUnavailableError(err));
  if (isFastifyError(err)) {
    const known = FASTIFY_CODES[err.code];
    if (known)
      return {
        status: known.status,
        body: { error: known.error, message: known.message },
        headers: {},
      };
    if (err.validation) {
      return {
        status: 400,
        body: { error: 'invalid_request', message: `Invalid request: ${err.message}.` },
        headers: {},
      };
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return { status, body: { error: 'invalid_request', message: err.message }, headers: {} };
    }
  }
  if (err instanceof SyntaxError && /JSON/.test(err.message)) {
    return {
      status: 400,
      body: { error: 'invalid_json', message: 'The request body is not valid JSON.' },
      headers: {},
    };
  }
  return {
    status: 500,
    body: {
      error: 'internal_error',
      message: `Internal error. Quote request id ${requestId} when reporting it.`,
      request_id: requestId,
    },
    headers: {},
  };
}

/**
 * 503s the gateway answers by design while it cannot serve yet (start-up): expected, so they are
 * logged at warn with their code and text, without the stack trace a failure gets.
 */
const NOT_READY_CODES: ReadonlySet<string> = new Set(['starting']);

function logError(request: FastifyRequest, err: unknown, mapped: Mapped): void {
  const code = mapped.body.error;
  if (mapped.status < 500) request.log.info({ code }, 'request refused');
  else if (NOT_READY_CODES.has(code))
    request.log.warn({ code, detail: mapped.body.message }, 'request refused: not ready yet');
  else request.log.error({ err }, 'request failed');
}

export function sendError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const mapped = mapError(err, request.id);
  logError(request, err, mapped);
  return reply
    .code(mapped.status)
    .headers(mapped.headers)
    .header('cache-control', 'no-store')
    .send(mapped.body);
}
