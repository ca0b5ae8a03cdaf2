// Fault injection (mock-rack.md §11): rules matched in insertion order after the Basic-auth check,
// each applied at most `times` times, optionally with a seeded probability.
import type { Prng } from '../core/prng.js';

export interface FaultMatch {
  /** HTTP method or `SOCKET`. */
  readonly method?: string;
  /** Exact path, or a glob: `*` = one segment, `**` = any number of segments. */
  readonly path?: string;
  readonly app?: string;
}

export interface FaultEffect {
  readonly latencyMs?: number;
  readonly status?: number;
  readonly body?: string;
  readonly hangup?: boolean;
  readonly wsDropAfterFrames?: number;
  readonly wsDropAfterMs?: number;
  readonly wsCloseCode?: number;
  readonly wsAbrupt?: boolean;
  readonly wsRefuseStatus?: number;
  readonly failNextBuild?: boolean;
  readonly promoteOutcome?: 'rollback';
}

export interface FaultRule {
  readonly match?: FaultMatch;
  readonly effect: FaultEffect;
  readonly times?: number;
  readonly probability?: number;
}

export interface StoredFault extends FaultRule {
  readonly id: string;
  applied: number;
}

export interface FaultTarget {
  readonly method: string;
  readonly path: string;
  readonly app: string | undefined;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('/')
    .map((part) => {
      if (part === '**') return '.*';
      if (part === '*') return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${body.replace(/\/\.\*/g, '(?:/.*)?')}$`);
}

function matches(match: FaultMatch | undefined, target: FaultTarget): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== target.method) return false;
  if (match.app && match.app !== target.app) return false;
  return !match.path || globToRegExp(match.path).test(target.path);
}

/** Effects that act on a request as it arrives (the others are armed for builds and promotes). */
const REQUEST_EFFECTS: readonly (keyof FaultEffect)[] = [
  'latencyMs',
  'status',
  'hangup',
  'wsDropAfterFrames',
  'wsDropAfterMs',
  'wsRefuseStatus',
];

export class FaultStore {
  private rules: StoredFault[] = [];
  private nextId = 0;

  constructor(private readonly prng: () => Prng) {}

  add(rule: FaultRule): string {
    const id = `f${++this.nextId}`;
    this.rules.push({ ...rule, id, applied: 0 });
    return id;
  }

  list(): readonly StoredFault[] {
    return this.rules;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  private take(rule: StoredFault): boolean {
    if (rule.times !== undefined && rule.applied >= rule.times) return false;
    if (rule.probability !== undefined && this.prng().next() >= rule.probability) return false;
    rule.applied++;
    return true;
  }

  /** The merged request effects of all matching rules (each counted as applied). */
  forRequest(target: FaultTarget): FaultEffect {
    let merged: FaultEffect = {};
    for (const rule of this.rules) {
      const relevant = REQUEST_EFFECTS.some((k) => rule.effect[k] !== undefined);
      if (relevant && matches(rule.match, target) && this.take(rule))
        merged = { ...merged, ...rule.effect };
    }
    return merged;
  }

  /** Consumes one armed `failNextBuild` / `promoteOutcome` rule matching the request, if any. */
  takeArmed(effect: 'failNextBuild' | 'promoteOutcome', target: FaultTarget): boolean {
    const rule = this.rules.find((r) => r.effect[effect] !== undefined && matches(r.match, target));
    return rule !== undefined && this.take(rule);
  }
}
