// HTTP handlers of the audit API (audit.md §12, §16.5): parse at the edge, call the plain query
// functions, reply. Callers holding only `auth:audit:read` (scope `self`, decided by the access hook)
// get their own events: the user filter is forced to their e-mail.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendRead, eventFor } from '../../access/request-audit.js';
import type { Config } from '../../config/types.js';
import type { Database } from '../../db/database.js';
import { BadRequestError, NotFoundError, UnauthenticatedError } from '../../http/errors.js';
import { registerRoute } from '../../http/register-route.js';
import type { Logger } from '../../logging/logger.js';
import { chainStatus } from '../query/chain-status.js';
import { type ExportFormat, exportAudit, exportFileName } from '../query/export.js';
import {
  type AuditFilter,
  type AuditView,
  parseFilter,
  type QueryParams,
} from '../query/filters.js';
import { eventBySeq, listAudit } from '../query/list.js';
import { auditStats } from '../query/stats.js';
import { VerifyRunner } from '../verify/verify-runs.js';
import { registerTerminalRoutes } from './terminal-routes.js';

export interface AuditRouteDeps {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
}

const V1 = '/api/v1';

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T | undefined,
  name: string,
): T {
  const v = value === undefined || value === '' ? fallback : value;
  if (v === undefined || !(allowed as readonly string[]).includes(v)) {
    throw new BadRequestError('invalid_request', `${name} must be one of ${allowed.join(', ')}.`);
  }
  return v as T;
}

function limitOf(value: string | undefined): number {
  if (value === undefined || value === '') return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new BadRequestError('invalid_request', 'limit must be an integer between 1 and 500.');
  return n;
}

/** The filter, restricted to the caller's own events for self-scoped callers. */
function scopedFilter(request: FastifyRequest): { filter: AuditFilter; scope: string } {
  const principal = request.principal;
  if (principal === null) throw new UnauthenticatedError();
  const filter = parseFilter(request.query as QueryParams);
  const scope = request.access?.scope ?? 'self';
  return scope === 'all'
    ? { filter, scope }
    : { filter: { ...filter, user: principal.user.email.toLowerCase() }, scope };
}

export function streamReply(reply: FastifyReply, chunks: AsyncIterable<string>): FastifyReply {
  return reply.header('cache-control', 'no-store').send(Readable.from(chunks));
}

export function registerAuditRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  const { config, db } = deps;
  const chainId = config.audit.chainId;
  const runner = new VerifyRunner({ config, db, audit: app.audit, logger: deps.logger });
  app.addHook('onClose', () => runner.close());

  registerRoute(app, {
    method: 'GET',
    path: `${V1}/audit-logs`,
    handler: async (request) => {
      const q = request.query as QueryParams;
      const { filter, scope } = scopedFilter(request);
      return listAudit(db, {
        chainId,
        filter,
        scope,
        view: oneOf<AuditView>(q.view, ['aggregated', 'raw'], 'aggregated', 'view'),
        limit: limitOf(q.limit),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        now: app.clock.now(),
      });
    },
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/audit-logs/stats`,
    handler: async (request) => {
      const q = request.query as QueryParams;
      const { filter } = scopedFilter(request);
      // Stats count events in either view; the parameter is still validated like the list's.
      oneOf<AuditView>(q.view, ['aggregated', 'raw'], 'aggregated', 'view');
      return auditStats(db, { chainId, filter, now: app.clock.now() });
    },
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/audit-logs/events/:seq`,
    handler: async (request) => {
      const seq = Number((request.params as { seq: string }).seq);
      const event =
        Number.isSafeInteger(seq) && seq > 0 ? await eventBySeq(db, chainId, seq) : null;
      if (event === null)
        throw new NotFoundError('not_found', 'No audit event has this sequence number.');
      return event;
    },
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/audit-logs/chain-status`,
    handler: () => chainStatus(db, chainId, config.audit.anchor !== null),
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/audit-logs/export`,
    handler: async (request, reply) => {
      const q = request.query as QueryParams;
      const format = oneOf<ExportFormat>(q.format, ['csv', 'jsonl'], undefined, 'format');
      const view = oneOf<AuditView>(q.view, ['raw', 'aggregated'], 'raw', 'view');
      const { filter } = scopedFilter(request);
      const now = app.clock.now();
      await appendRead(
        app.audit,
        eventFor(request, {
          action: 'audit.export',
          status: 'success',
          resource: 'audit_log',
          rbacDecision: 'allow',
          httpStatus: 200,
          details: { format, view, filters: filter },
        }),
      );
      const chunks = exportAudit(db, { chainId, filter, view, format, now }, (rows) =>
        request.log.info({ log_type: 'audit_export', rows, format, view }, 'audit export finished'),
      );
      return streamReply(
        reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header(
            'content-disposition',
            `attachment; filename="${exportFileName(chainId, format, now)}"`,
          ),
        chunks,
      );
    },
  });
  registerRoute(app, {
    method: 'POST',
    path: `${V1}/audit-logs/verify`,
    handler: async (_request, reply) => reply.code(202).send({ job_id: await runner.start('api') }),
  });
  registerRoute(app, {
    method: 'GET',
    path: `${V1}/audit-logs/verify/:id`,
    handler: async (request) => {
      const id = (request.params as { id: string }).id;
      const run = /^[0-9a-f-]{36}$/i.test(id) ? await runner.get(id) : null;
      if (run === null) throw new NotFoundError('not_found', 'No verification run has this id.');
      return run;
    },
  });
  registerTerminalRoutes(app, { db });
}
