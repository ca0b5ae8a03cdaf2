// Route options and their wire placement (convox-rack-api.md §2.2–2.5): each option is a form
// param, a query param or a header, with one value format per type. The client encodes options
// from these declarations and the mock rack decodes them with the same ones, so the rules exist
// once.
import { formatGoDuration, parseGoDuration } from '../wire/duration.js';
import { decodeGoForm, encodeGoForm, firstValue } from '../wire/form.js';
import { RackTime } from '../wire/rack-time.js';

export interface OptionValueTypes {
  string: string;
  bool: boolean;
  int: number;
  /** Milliseconds; sent in Go duration syntax. */
  duration: number;
  time: RackTime;
  /** Comma-joined into one value. */
  list: readonly string[];
  /** Form-encoded (`k=v&k2=v2`, sorted) into one value. */
  map: Readonly<Record<string, string>>;
}

export type OptionKind = keyof OptionValueTypes;

export interface OptionSpec {
  /** Name on the wire: form/query key or canonical header name. */
  readonly wire: string;
  readonly kind: OptionKind;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The TS options object for a set of specs: every option optional, unset = not sent. */
export type OptionsOf<S extends OptionSpecs | undefined> = S extends OptionSpecs
  ? { readonly [K in keyof S]?: OptionValueTypes[S[K]['kind']] }
  : Record<never, never>;

/** Decoded options (what a server reads), keyed by TS option name. */
export type DecodedOptions<S extends OptionSpecs> = {
  [K in keyof S]?: OptionValueTypes[S[K]['kind']];
};

export class OptionValueError extends Error {
  override readonly name = 'OptionValueError';
}

/** Encodes one option value in its wire format (§2.3). */
export function encodeOptionValue(kind: OptionKind, value: unknown): string {
  switch (kind) {
    case 'string':
      return String(value);
    case 'bool':
      return value ? 'true' : 'false';
    case 'int':
      if (!Number.isInteger(value)) throw new OptionValueError(`not an integer: ${String(value)}`);
      return String(value);
    case 'duration':
      return formatGoDuration(value as number);
    case 'time':
      return (value as RackTime).toOptionString();
    case 'list':
      return (value as readonly string[]).join(',');
    case 'map':
      return encodeGoForm(value as Record<string, string>);
  }
}

function parseInt64(text: string): number {
  if (!/^[+-]?\d+$/.test(text))
    throw new OptionValueError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function parseMap(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of decodeGoForm(text)) out[key] = values[0] ?? '';
  return out;
}

/** Decodes one wire value as a rack does (Go's strconv / time parsing; only `true` is true). */
export function decodeOptionValue(kind: OptionKind, text: string): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'bool':
      return text === 'true';
    case 'int':
      return parseInt64(text);
    case 'duration':
      return parseGoDuration(text);
    case 'time':
      return RackTime.parseOption(text);
    case 'list':
      return text === '' ? [] : text.split(',');
    case 'map':
      return parseMap(text);
  }
}

/** Encodes the set options of `specs` as `[wireName, value]` pairs (unset options omitted). */
export function encodeOptions(
  specs: OptionSpecs | undefined,
  options: Readonly<Record<string, unknown>>,
): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const value = options[name];
    if (value === undefined || value === null) continue;
    pairs.push([spec.wire, encodeOptionValue(spec.kind, value)]);
  }
  return pairs;
}

/** Reads options through `lookup(wireName)`; absent values stay unset. */
export function decodeOptions<S extends OptionSpecs>(
  specs: S,
  lookup: (wire: string) => string | undefined,
): DecodedOptions<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const text = lookup(spec.wire);
    if (text !== undefined) out[name] = decodeOptionValue(spec.kind, text);
  }
  return out as DecodedOptions<S>;
}

/** `lookup` over Go form values (first value of a key; undecodable pairs are skipped, as Go does). */
export function formLookup(text: string): (wire: string) => string | undefined {
  const values = decodeGoForm(text, true);
  return (wire) => firstValue(values, wire);
}
