// pino logger shared by the whole process. Redaction is belt and braces: credentials must never be
// logged in the first place, but if a header or field slips through it is censored here.
import { type DestinationStream, type Logger, pino } from 'pino';
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

export function createLogger(
  config: Pick<Config, 'logging' | 'server'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logging.level,
    base: { service: 'rack-gateway', replica_id: config.server.replicaId },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (config.logging.format === 'pretty') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(options);
}
