// Input checks at the edge, for every route: a decoded path parameter, query value or JSON body
// string (or key) holding U+0000 is refused with 400 before anything else sees it. PostgreSQL
// cannot store NUL in text, so letting one through turns a typing mistake or a probe into a 500
// deep inside a query; no route has a use for it. JSON bodies nested deeper than MAX_DEPTH are
// refused too: no gateway body is deep, and walking one must not exhaust the stack.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './error-mapper.js';
import { BadRequestError } from './errors.js';

const MAX_DEPTH = 64;

type Where = 'path parameter' | 'query parameter' | 'body field';

const hasNul = (s: string): boolean => s.includes('\u0000');

interface Item {
  readonly value: unknown;
  readonly depth: number;
  /** The top-level key the value sits under ('' for the value itself). */
  readonly name: string;
}

/** The children of an object or array, each named after its top-level key. */
function childrenOf(item: Item, where: Where): Item[] | string {
  if (item.depth >= MAX_DEPTH) throw tooDeep(where);
  const children: Item[] = [];
  for (const [key, value] of Object.entries(item.value as object)) {
    const name = item.depth === 0 ? key : item.name;
    if (hasNul(key)) return name;
    children.push({ value, depth: item.depth + 1, name });
  }
  return children;
}

const isContainer = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && !Buffer.isBuffer(v);

/** The first name under which `value` holds a NUL; walked without recursion. */
function nulUnder(value: unknown, where: Where): string | null {
  const stack: Item[] = [{ value, depth: 0, name: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value === 'string' && hasNul(item.value)) return item.name;
    if (!isContainer(item.value)) continue;
    const children = childrenOf(item, where);
    if (typeof children === 'string') return children;
    for (const child of children) stack.push(child);
  }
  return null;
}

const tooDeep = (where: Where): BadRequestError =>
  new BadRequestError(
    'invalid_request',
    `Invalid request: the ${where === 'body field' ? 'JSON body' : where} is nested more than ${MAX_DEPTH} levels deep.`,
  );

function refuseNul(value: unknown, where: Where): void {
  const name = nulUnder(value, where);
  if (name === null) return;
  const label =
    name === '' ? (where === 'body field' ? 'the request body' : where) : `${where} "${name}"`;
  throw new BadRequestError(
    'invalid_request',
    `Invalid request: ${label} contains a NUL character (U+0000), which is never valid here.`,
    name === '' ? {} : { field: name.slice(0, 100).replaceAll('\u0000', '\\u0000') },
  );
}

/** A parsed JSON body (the rack proxy keeps raw streams, which are not inspected here). */
const isParsedBody = (body: unknown): boolean =>
  typeof body === 'string' || (typeof body === 'object' && body !== null && !('pipe' in body));

/** Registers the checks; call before any hook or route that reads params, query or body. */
export function registerInputChecks(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    refuseNul(request.params, 'path parameter');
    refuseNul(request.query, 'query parameter');
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (isParsedBody(request.body)) refuseNul(request.body, 'body field');
  });
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode (`%C0%AF`, `%FF`: not UTF-8) gets
 * the same JSON error as every other refusal.
 */
export function sendFrameworkError(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const mapped =
    err.code === 'FST_ERR_BAD_URL'
      ? new BadRequestError(
          'invalid_request',
          'Invalid request: the URL holds a percent-escape that does not decode to UTF-8 text.',
        )
      : err;
  return sendError(mapped, request, reply);
}
