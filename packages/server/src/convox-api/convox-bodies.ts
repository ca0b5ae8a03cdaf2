// Request bodies of the web-safe mutations (access-control.md §9.3): the browser sends JSON; the
// rack wants Go forms (convox-rack-api.md §7.1 rows 8 and 28). Restart and stop carry no body.
import { encodeGoForm } from '@rack-gateway/convox';
import { Type } from 'typebox';

const Count = Type.Integer({ minimum: 0, maximum: 1000 });
const Size = Type.Integer({ minimum: 0, maximum: 1_048_576 });

export const ScaleBody = Type.Object(
  {
    count: Type.Optional(Count),
    cpu: Type.Optional(Size),
    memory: Type.Optional(Size),
    min: Type.Optional(Count),
    max: Type.Optional(Count),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PromoteBody = Type.Object(
  { force: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

type Scale = Partial<Record<'count' | 'cpu' | 'memory' | 'min' | 'max', number>>;

/** `PUT /apps/{app}/services/{service}` form: only the fields sent. */
export function scaleForm(body: Scale): Buffer {
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(body))
    if (value !== undefined) form[key] = String(value);
  return Buffer.from(encodeGoForm(form), 'utf8');
}

/** `POST …/releases/{id}/promote` form: `force` is always sent (false unless asked). */
export function promoteForm(body: { force?: boolean } | undefined): Buffer {
  return Buffer.from(encodeGoForm({ force: body?.force === true ? 'true' : 'false' }), 'utf8');
}
