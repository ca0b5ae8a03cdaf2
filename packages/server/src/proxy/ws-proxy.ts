// WebSocket side of the rack proxy (convox-rack-api.md §5.6): the rack socket is dialled before the
// client upgrade completes (a refusal is still an HTTP answer), then frames are relayed 1:1. Exec
// sockets are captured and audited open/close, fail closed; every socket is tracked so revocations
// close it.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type WebSocket from 'ws';
import { appendLater, eventFor } from '../access/request-audit.js';
import type { CaptureSession, CloseReason } from '../audit/capture/capture-session.js';
import { upstreamHeaders } from './headers.js';
import { afterAttempt, attemptLink, proxyEvent } from './proxy-audit.js';
import type { ProxyContext } from './proxy-context.js';
import { refuseInBand } from './proxy-errors.js';
import { upstreamIdentity } from './rack-calls.js';
import type { RackTarget } from './rack-target.js';
import type { TerminateReason } from './socket-registry.js';
import {
  type CloseCause,
  dialUpstream,
  REVOKED_CLOSE_CODE,
  type Relay,
  relay,
} from './ws-relay.js';

const TERMINATE_TEXT: Record<TerminateReason, string> = {
  session_revoked: 'session revoked',
  token_revoked: 'token revoked',
  user_locked: 'user locked',
  user_suspended: 'user suspended',
  user_deleted: 'user deleted',
  role_changed: 'roles changed',
  user_changed: "the user's access changed",
  email_changed: 'e-mail changed',
  mfa_reset: 'MFA reset',
};

const CAPTURE_REASON: Record<CloseCause, CloseReason> = {
  client: 'client',
  upstream: 'upstream',
  idle: 'idle',
  gateway: 'revoked',
};

function targetOf(
  request: FastifyRequest,
): RackTarget & { match: NonNullable<RackTarget['match']> } {
  const t = request.rackTarget;
  if (!t?.match) throw new Error('socket proxy reached without a matched route');
  return t as RackTarget & { match: NonNullable<RackTarget['match']> };
}

/**
 * preHandler of socket requests: dial the rack so that a refusal is still an HTTP error. The
 * option headers are the client's (native CLI) or the ones the web-safe API derived from its query.
 */
export async function dialForSocket(
  ctx: ProxyContext,
  request: FastifyRequest,
  clientHeaders: IncomingHttpHeaders = request.headers,
): Promise<void> {
  const target = targetOf(request);
  const base = ctx.rack.url;
  const path = `${base.pathname.replace(/\/$/, '')}${target.path.rawPath}`;
  // Exec starts a command at the rack as soon as the socket is dialled: its attempt comes first.
  const dialled = await afterAttempt(
    ctx.audit,
    request,
    target.match.route.mutation ? execOpenEvent(request, null, null) : null,
    () =>
      dialUpstream({
        url: `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${path}`,
        headers: upstreamHeaders(clientHeaders, ctx.rack, upstreamIdentity(request), {
          websocket: true,
        }),
        origin: `${base.protocol}//${base.host}`,
        tls: ctx.tls,
      }),
  );
  request.upstreamSocket = dialled.value;
  request.auditAttemptSeq = dialled.attemptSeq;
}

function header(request: FastifyRequest, name: string): string {
  const v = request.headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).slice(0, 2000);
}

async function openCapture(
  ctx: ProxyContext,
  request: FastifyRequest,
): Promise<CaptureSession | null> {
  const p = request.principal;
  const target = targetOf(request);
  if (ctx.capture === null || p === null) return null;
  return ctx.capture.open({
    app: target.match.params.app ?? '',
    processId: target.match.params.pid ?? '',
    command: header(request, 'command'),
    tty: header(request, 'tty') !== 'false',
    actor: {
      actorType: p.token ? 'api_token' : 'user',
      userId: p.user.uid,
      userEmail: p.user.email,
      userName: p.user.name,
      apiTokenId: p.token?.id ?? null,
      apiTokenName: p.token?.name ?? '',
    },
  });
}

/** `process.exec.open`: the attempt (httpStatus null) or the upgrade (101). */
function execOpenEvent(
  request: FastifyRequest,
  capture: CaptureSession | null,
  httpStatus: number | null,
) {
  const target = targetOf(request);
  return {
    ...proxyEvent(request, target, { httpStatus }),
    terminalSessionId: capture?.id ?? null,
    command: header(request, 'command'),
    details: {
      app: target.match.params.app ?? '',
      command: header(request, 'command'),
      tty: header(request, 'tty') !== 'false',
      width: Number(header(request, 'width')) || null,
      height: Number(header(request, 'height')) || null,
      ...(httpStatus === null ? {} : attemptLink(request.auditAttemptSeq)),
    },
  };
}

async function startExec(
  ctx: ProxyContext,
  request: FastifyRequest,
  client: WebSocket,
): Promise<CaptureSession | null | 'failed'> {
  let capture: CaptureSession | null;
  try {
    capture = await openCapture(ctx, request);
    await ctx.audit.append(execOpenEvent(request, capture, 101), { durable: true });
  } catch (err) {
    request.log.error({ err }, 'exec session could not be recorded; refusing it');
    refuseInBand(client, 'session capture unavailable', true);
    // Read again so the client's close answer arrives; its held input is dropped with the session.
    client.resume();
    request.upstreamSocket?.terminate();
    return 'failed';
  }
  return capture;
}

async function finishExec(
  ctx: ProxyContext,
  request: FastifyRequest,
  capture: CaptureSession | null,
  cause: CloseCause,
  started: number,
) {
  const summary = capture
    ? await capture.close(CAPTURE_REASON[cause])
    : { duration_ms: Date.now() - started, close_reason: CAPTURE_REASON[cause] };
  const target = targetOf(request);
  const event = {
    ...proxyEvent(request, target, { httpStatus: 101 }),
    action: 'process.exec.close' as const,
    status:
      summary.close_reason === 'capture_failed' || summary.close_reason === 'error'
        ? ('error' as const)
        : ('success' as const),
    terminalSessionId: capture?.id ?? null,
    details: { ...summary },
  };
  await ctx.audit
    .append(event, { durable: true })
    .catch((err: unknown) => request.log.error({ err }, 'process.exec.close not recorded'));
}

function track(
  ctx: ProxyContext,
  request: FastifyRequest,
  active: Relay,
  kind: 'exec' | 'logs',
): () => void {
  const p = request.principal;
  if (p === null) return () => undefined;
  return ctx.sockets.add({
    kind,
    sessionId: p.session?.id ?? null,
    tokenId: p.token?.id ?? null,
    userId: p.user.uid,
    terminate(reason) {
      active.terminate(REVOKED_CLOSE_CODE, TERMINATE_TEXT[reason]);
      const event = eventFor(request, {
        action: 'socket.terminate',
        status: 'success',
        resource: targetOf(request).path.rawPath.slice(0, 255),
        details: { kind, reason },
      });
      appendLater(request, ctx.audit, event);
    },
  });
}

/** The wsHandler of the rack proxy: relay, capture and audit one socket. */
export async function proxySocket(
  ctx: ProxyContext,
  client: WebSocket,
  request: FastifyRequest,
): Promise<void> {
  // Hold the client's frames in its TCP receive window until relay() listens: the native CLI
  // writes piped stdin and its EOF with the handshake, while the capture and the open event are
  // still being written (a frame emitted without a listener is gone). The rack side is held since
  // dialUpstream; a client flooding meanwhile is stopped by TCP flow control, not buffered here.
  client.pause();
  const upstream = request.upstreamSocket;
  if (upstream === null) throw new Error('socket proxy reached without an upstream socket');
  const exec = targetOf(request).match.route.row === 15;
  const started = Date.now();
  const capture = exec ? await startExec(ctx, request, client) : null;
  if (capture === 'failed') return;
  if (!exec)
    appendLater(request, ctx.audit, proxyEvent(request, targetOf(request), { httpStatus: 101 }));
  let untrack = (): void => undefined;
  const active = relay(client, upstream, {
    onFrame: (direction, data) => capture?.record(direction, data),
    onClose: ({ cause }) => {
      untrack();
      if (exec) void finishExec(ctx, request, capture, cause, started);
    },
  });
  capture?.onFailure(() => active.terminate(1011, 'session capture unavailable'));
  untrack = track(ctx, request, active, exec ? 'exec' : 'logs');
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The rack side of a proxied socket, dialled before the client upgrade completes. */
    upstreamSocket: WebSocket | null;
    /** Sequence number of the exec socket's attempt event (null for other sockets). */
    auditAttemptSeq: number | null;
  }
}
