// The gateway's own connection to the rack (config.md §3.6): HTTP/1.1 only, certificate checks per
// RACK_TLS_VERIFY / RACK_CA_FILE, and optional pinning of the leaf certificate's SHA-256.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { Config } from '../config/types.js';

export class RackCertificateError extends Error {
  constructor(expected: string, got: string) {
    super(`the rack certificate (sha256 ${got}) does not match the pinned fingerprint ${expected}`);
    this.name = 'RackCertificateError';
  }
}

export interface RackTls {
  readonly verify: boolean;
  readonly ca: string | undefined;
  /** Expected leaf fingerprint (lower-case hex), or null when not pinned. */
  pin(): string | null;
}

export function rackTlsFromConfig(config: Config): RackTls {
  const { tlsVerify, caFile, tlsPinning, tlsPinSha256 } = config.rack;
  const ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  return { verify: tlsVerify, ca, pin: () => (tlsPinning === 'static' ? tlsPinSha256 : null) };
}

export function certificateFingerprint(socket: TLSSocket): string {
  return createHash('sha256').update(socket.getPeerCertificate().raw).digest('hex');
}

/** Throws when a pin is configured and the socket's leaf certificate does not match it. */
export function checkPin(socket: Socket, tls: RackTls): void {
  const pin = tls.pin();
  if (pin === null || !(socket instanceof TLSSocket)) return;
  const got = certificateFingerprint(socket);
  if (got !== pin) throw new RackCertificateError(pin, got);
}

export function createRackDispatcher(tls: RackTls): Agent {
  const base = buildConnector({
    rejectUnauthorized: tls.verify,
    ...(tls.ca ? { ca: tls.ca } : {}),
  });
  return new Agent({
    allowH2: false,
    connect(options, callback) {
      base(options, (err, socket) => {
        if (err || socket === null) {
          callback(err ?? new Error('rack connection failed'), null);
          return;
        }
        try {
          checkPin(socket, tls);
          callback(null, socket);
        } catch (pinError) {
          socket.destroy();
          callback(pinError as Error, null);
        }
      });
    },
  });
}
