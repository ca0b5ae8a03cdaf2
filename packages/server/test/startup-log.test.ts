// 503 `starting` is the gateway's designed answer until its start-up steps finish, not a failure
// (issue 19 finding 7c): it is logged at warn with its code and text, without an error stack, so
// the start of every deployment no longer floods the log with errors. Real failures keep their
// error line with the stack.
import { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { sendError } from '../src/http/error-mapper.js';
import { createReadiness } from '../src/http/readiness.js';
import { createLogger } from '../src/logging/logger.js';
import { emptyWebDist } from './support/test-app.js';
import { testConfig } from './support/test-config.js';
import { createTestDb, type TestDatabase } from './support/test-db.js';

interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly code?: string;
  readonly err?: { readonly stack?: string };
  readonly [key: string]: unknown;
}

const WARN = 40;
const ERROR = 50;

function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as LogLine);
      cb();
    },
  });
  return { lines, logger: createLogger(testConfig({ LOG_LEVEL: 'info' }), stream) };
}

describe('logging of 503 starting', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDb();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('logs each refused request at warn with its code, and nothing at error or with a stack', async () => {
    const { lines, logger } = capturingLogger();
    const readiness = createReadiness();
    const app = await buildApp(testConfig(), {
      db: database.db,
      logger,
      webDistDir: emptyWebDist(),
      readiness,
    });
    try {
      for (const url of ['/api/v1/info', '/app/']) {
        const res = await app.inject({ method: 'GET', url });
        expect([url, res.statusCode, res.json().error]).toEqual([url, 503, 'starting']);
      }
      // The rack proxy answers in the rack's plain-text format and logs only internal errors.
      const proxied = await app.inject({ method: 'GET', url: '/api/v1/rack-proxy/apps' });
      expect([proxied.statusCode, proxied.headers['x-error-reason']]).toEqual([503, 'starting']);
    } finally {
      await app.close();
    }
    const refused = lines.filter((l) => l.code === 'starting');
    expect(refused).toHaveLength(2);
    for (const line of refused) {
      expect(line.level).toBe(WARN);
      expect(String(line.detail)).toMatch(/^The gateway is starting.*try again shortly\.$/);
    }
    expect(lines.filter((l) => l.level >= ERROR)).toEqual([]);
    expect(lines.filter((l) => l.err !== undefined)).toEqual([]);
  });

  it('still logs an unexpected failure at error with its stack', () => {
    const { lines, logger } = capturingLogger();
    const sent: { status?: number; body?: unknown } = {};
    const reply = {
      code(status: number) {
        sent.status = status;
        return reply;
      },
      headers: () => reply,
      header: () => reply,
      send(body: unknown) {
        sent.body = body;
        return reply;
      },
    };
    sendError(
      new Error('boom'),
      { id: 'req-1', log: logger } as unknown as FastifyRequest,
      reply as unknown as FastifyReply,
    );
    expect(sent.status).toBe(500);
    const [line] = lines;
    expect(line?.level).toBe(ERROR);
    expect(line?.err?.stack).toContain('Error: boom');
  });
});
