// pino logger shared by the whole process. Redaction is belt and braces: credentials must never be
// logged in the first place, but if a header or field slips through it is censored here. Besides
// the key paths, every string of a line (message, fields, request URL, error message and stack)
// passes the audit's text redaction (audit.md §10 rule 3), so `?token=…` and credential-shaped
// values never reach a log.
import { type DestinationStream, type LogFn, type Logger, pino } from 'pino';
import { redactText } from '../audit/redaction.js';
import type { Config } from '../config/types.js';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-mfa-totp"]',
  'req.headers["x-mfa-webauthn"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.client_secret',
  '*.code_verifier',
  '*.apiKey',
  'password',
  'secret',
  'token',
];

/** Strings redacted, recursively through plain objects and arrays; other objects left to serializers. */
export function redactLogValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactLogValue);
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactLogValue(v);
  return out;
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

/** fastify's request fields, with the URL's query secrets redacted (it replaces fastify's own). */
function requestSerializer(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactText(req.url ?? ''),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** pino's error fields (message, stack, causes) as plain JSON, then every string redacted. */
function errorSerializer(err: unknown): unknown {
  const serialized: unknown = err instanceof Error ? pino.stdSerializers.err(err) : err;
  try {
    return redactLogValue(JSON.parse(JSON.stringify(serialized)));
  } catch {
    return redactLogValue(serialized);
  }
}

function logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const redacted = args.map((a) => (typeof a === 'string' ? redactText(a) : a));
  method.apply(this, redacted as Parameters<LogFn>);
}

export function createLogger(
  config: Pick<Config, 'logging' | 'server'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logging.level,
    base: { service: 'rack-gateway', replica_id: config.server.replicaId },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { req: requestSerializer, err: errorSerializer },
    formatters: {
      log: (object: Record<string, unknown>) => redactLogValue(object) as typeof object,
    },
    hooks: { logMethod },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (config.logging.format === 'pretty') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  // Asynchronous stdout: a synchronous write per line (stdout is a pipe under a supervisor) put a
  // syscall on every request's path; queued lines go out in one write while another is in flight,
  // and pino flushes what is left when the process exits.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
