// Replay of exec/run captures (audit.md §16.5): metadata, and the frames (step-up MFA, audited as
// terminal_session.view) as JSON Lines or asciicast v2.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { eventFor } from '../../access/request-audit.js';
import type { Database } from '../../db/database.js';
import { BadRequestError, NotFoundError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import { type FrameFormat, terminalFrames, terminalSession } from '../capture/replay.js';
import { streamReply } from './audit-routes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function sessionOr404(
  db: Database,
  request: FastifyRequest,
): Promise<Record<string, unknown>> {
  const id = (request.params as { id: string }).id;
  const session = UUID.test(id) ? await terminalSession(db, id.toLowerCase()) : null;
  if (session === null) throw new NotFoundError('not_found', 'No terminal session has this id.');
  return session;
}

export function registerTerminalRoutes(app: FastifyInstance, deps: { db: Database }): void {
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/terminal-sessions/:id',
    handler: (request) => sessionOr404(deps.db, request),
  });
  registerRoute(app, {
    method: 'GET',
    path: '/api/v1/terminal-sessions/:id/frames',
    handler: async (request, reply) => {
      const session = await sessionOr404(deps.db, request);
      const q = request.query as { format?: string };
      const format: FrameFormat = q.format === 'asciicast' ? 'asciicast' : 'jsonl';
      if (q.format !== undefined && q.format !== 'asciicast' && q.format !== 'jsonl') {
        throw new BadRequestError('invalid_request', 'format must be jsonl or asciicast.');
      }
      await app.audit.append(
        eventFor(request, {
          action: 'terminal_session.view',
          status: 'success',
          resource: String(session.id),
          rbacDecision: 'allow',
          httpStatus: 200,
          terminalSessionId: String(session.id),
          details: {},
        }),
        { durable: false },
      );
      const type = format === 'asciicast' ? 'application/x-asciicast' : 'application/x-ndjson';
      return streamReply(reply.type(type), terminalFrames(deps.db, session, format));
    },
  });
}
