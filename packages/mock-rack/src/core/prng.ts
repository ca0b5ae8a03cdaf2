// Seeded pseudo-random values (mock-rack.md §4.2): mulberry32 drives every generated id in a fixed
// call order, so the same seed and request sequence give the same ids.
import { randomInt } from 'node:crypto';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const POD_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const HEX = '0123456789abcdef';
const REQUEST_ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A seed from `node:crypto` for `seed: "random"`. */
  static randomSeed(): number {
    return randomInt(0, 2 ** 32 - 1);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chars(count: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < count; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  letters(count: number): string {
    return this.chars(count, LETTERS);
  }

  podChars(count: number): string {
    return this.chars(count, POD_CHARS);
  }

  hex(count: number): string {
    return this.chars(count, HEX);
  }

  requestId(): string {
    return this.chars(12, REQUEST_ID_CHARS);
  }
}

/** A stable pseudo-random number in [0, 1) for a key: metrics stay equal between reads. */
export function stableFraction(seed: number, key: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return new Prng(h).next();
}

/** Rounds to two decimals, like the mock's metrics. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
