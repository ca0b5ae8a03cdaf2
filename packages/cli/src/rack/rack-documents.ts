// Rack documents for listings and info blocks: fetched once as text so `--json` prints exactly
// what the rack (through the gateway) sent, then decoded into the typed objects for tables.
import {
  decodeList,
  decodeObject,
  decodeRackResponse,
  type ObjectSchema,
  type PathParams,
  parseRackJson,
  type RackRouteId,
  type RackTime,
} from '@rack-gateway/convox';
import type { CliContext } from '../context.js';
import { humanizeTime } from '../output/format.js';

export interface RackDocument {
  readonly text: string;
  readonly json: unknown;
}

export async function fetchDocument(
  ctx: CliContext,
  id: RackRouteId,
  params: PathParams,
  options: Readonly<Record<string, unknown>> = {},
): Promise<RackDocument> {
  const text = await ctx
    .session()
    .rackAccess.read(async (client) => (await client.request(id, params, options)).body.text());
  return { text, json: parseRackJson(text, 'the gateway') };
}

/** A listing or info command: the document as received for --json, else `render` of it. */
export async function showDocument(
  ctx: CliContext,
  id: RackRouteId,
  params: PathParams,
  options: Readonly<Record<string, unknown>>,
  render: (doc: RackDocument) => void,
): Promise<void> {
  const doc = await fetchDocument(ctx, id, params, options);
  if (ctx.out.json) ctx.out.document(doc.text);
  else render(doc);
}

/** A rack time as `2 hours ago` (empty when unset). */
export function ago(time: RackTime, now: Date): string {
  return humanizeTime(time.isZero() ? undefined : time.toDate(), now);
}

export const listOf = <T>(schema: ObjectSchema<T>, doc: RackDocument, what: string): T[] =>
  decodeRackResponse(() => decodeList(schema, doc.json, what));

export const objectOf = <T>(schema: ObjectSchema<T>, doc: RackDocument, what: string): T =>
  decodeRackResponse(() => decodeObject(schema, doc.json, what));
