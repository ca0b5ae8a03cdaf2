// One declaration per rack object drives both directions: encoding in the wire field order of
// convox-rack-api.md §6 (the mock rack, the gateway's re-serialisation) and tolerant decoding
// (unknown fields ignored, missing ones defaulted, §3.8) in the client.
import { type GoJsonValue, GoMap } from '../wire/go-json.js';
import { RackTime } from '../wire/rack-time.js';

/** A JSON value as parsed (object key order preserved), passed through unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

interface KindTypes {
  string: string;
  bool: boolean;
  number: number;
  time: RackTime;
  /** A Go map[string]string: keys sorted on output. */
  map: Readonly<Record<string, string>>;
  /** A Go []string that may be nil. */
  strings: readonly string[] | null;
  /** Any JSON, kept as parsed (null when absent). */
  json: JsonValue;
  /** Service load-balancer ports. */
  ports: readonly ServicePort[];
}

/** One load-balanced port of a service (`{"balancer":443,"certificate":"","container":3000}`). */
export interface ServicePort {
  readonly balancer: number;
  readonly certificate: string;
  readonly container: number;
}

export type FieldKind = keyof KindTypes;

export interface FieldSpec {
  readonly json: string;
  readonly kind: FieldKind;
  /** Go `omitempty`: the field is left out when it holds its empty value. */
  readonly omitEmpty?: boolean;
}

/** Field specs keyed by the TS property name, in wire order. */
export type ObjectSchema<T> = { readonly [K in keyof T]-?: FieldSpec & { kind: KindOf<T[K]> } };

type KindOf<V> = {
  [K in FieldKind]: [V] extends [KindTypes[K]] ? ([KindTypes[K]] extends [V] ? K : never) : never;
}[FieldKind];

export class RackDecodeError extends Error {
  override readonly name = 'RackDecodeError';
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false || value === 0)
    return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof RackTime) return false;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function encodeField(kind: FieldKind, value: unknown): GoJsonValue {
  switch (kind) {
    case 'time':
      return (value as RackTime).toJSON();
    case 'map':
      return new GoMap(value as Record<string, string>);
    case 'ports':
      return (value as readonly ServicePort[]).map((p) => ({
        balancer: p.balancer,
        certificate: p.certificate,
        container: p.container,
      }));
    default:
      return value as GoJsonValue;
  }
}

/** The object as Go writes it: fields in schema order, `omitempty` applied. */
export function encodeObject<T>(schema: ObjectSchema<T>, value: T): GoJsonValue {
  const out: Record<string, GoJsonValue> = {};
  for (const prop of Object.keys(schema) as (keyof T)[]) {
    const spec = schema[prop];
    const v = value[prop];
    if (spec.omitEmpty && isEmpty(v)) continue;
    out[spec.json] = encodeField(spec.kind, v);
  }
  return out;
}

const DEFAULTS: { [K in FieldKind]: () => KindTypes[K] } = {
  string: () => '',
  bool: () => false,
  number: () => 0,
  time: () => RackTime.ZERO,
  map: () => ({}),
  strings: () => null,
  json: () => null,
  ports: () => [],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeMap(raw: unknown): Record<string, string> | undefined {
  if (!isRecord(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') return undefined;
    out[k] = v;
  }
  return out;
}

const PRIMITIVE: Partial<Record<FieldKind, string>> = {
  string: 'string',
  bool: 'boolean',
  number: 'number',
};

function isStringList(raw: unknown): boolean {
  return Array.isArray(raw) && raw.every((s) => typeof s === 'string');
}

function decodeField(kind: FieldKind, raw: unknown): unknown {
  const primitive = PRIMITIVE[kind];
  if (primitive) return typeof raw === primitive ? raw : undefined;
  switch (kind) {
    case 'time':
      return typeof raw === 'string' ? RackTime.parse(raw) : undefined;
    case 'map':
      return decodeMap(raw);
    case 'strings':
      return isStringList(raw) ? raw : undefined;
    case 'ports':
      return Array.isArray(raw) ? raw.map(decodePort) : undefined;
    default:
      return raw;
  }
}

function decodePort(raw: unknown): ServicePort {
  const port = isRecord(raw) ? raw : {};
  return {
    balancer: typeof port.balancer === 'number' ? port.balancer : 0,
    certificate: typeof port.certificate === 'string' ? port.certificate : '',
    container: typeof port.container === 'number' ? port.container : 0,
  };
}

function decodeValue(spec: FieldSpec, value: unknown, what: string): unknown {
  if (value === undefined || (value === null && spec.kind !== 'json')) return DEFAULTS[spec.kind]();
  let decoded: unknown;
  try {
    decoded = decodeField(spec.kind, value);
  } catch (err) {
    throw new RackDecodeError(`${what}.${spec.json}: ${(err as Error).message}`);
  }
  if (decoded === undefined)
    throw new RackDecodeError(`${what}.${spec.json}: unexpected ${typeof value}`);
  return decoded;
}

/** Reads an object: missing or null fields get their Go zero value; wrong types throw. */
export function decodeObject<T>(schema: ObjectSchema<T>, raw: unknown, what: string): T {
  if (!isRecord(raw)) throw new RackDecodeError(`expected a ${what} object`);
  const out: Record<string, unknown> = {};
  for (const prop of Object.keys(schema) as (keyof T & string)[]) {
    const spec = schema[prop];
    out[prop] = decodeValue(spec, raw[spec.json], what);
  }
  return out as T;
}

/** Reads a JSON array of objects (`null` reads as an empty list, as Go's nil slice). */
export function decodeList<T>(schema: ObjectSchema<T>, raw: unknown, what: string): T[] {
  if (raw === null) return [];
  if (!Array.isArray(raw)) throw new RackDecodeError(`expected a list of ${what} objects`);
  return raw.map((item) => decodeObject(schema, item, what));
}
