// The cheap state of the rack's §7.2 routes (budgets, configs, certificates, registries, rack
// resources and their links). Kept beside the RackState it belongs to, so a reset (which replaces
// the state) starts these over too.
import type { RackState } from './model.js';

export interface CertificateRecord {
  readonly id: string;
  readonly domain: string;
  readonly domains: readonly string[];
  readonly expiration: string;
}

export interface ResourceRecord {
  readonly name: string;
  readonly type: string;
  parameters: Record<string, string>;
  readonly apps: string[];
}

export interface ExtraState {
  readonly budgets: Map<string, Record<string, string>>;
  readonly configs: Map<string, Map<string, string>>;
  readonly certificates: Map<string, CertificateRecord>;
  readonly registries: Map<string, string>;
  readonly resources: Map<string, ResourceRecord>;
  serial: number;
}

const EXTRAS = new WeakMap<RackState, ExtraState>();

export function extras(state: RackState): ExtraState {
  let found = EXTRAS.get(state);
  if (!found) {
    found = {
      budgets: new Map(),
      configs: new Map(),
      certificates: new Map(),
      registries: new Map(),
      resources: new Map(),
      serial: 0,
    };
    EXTRAS.set(state, found);
  }
  return found;
}

/** The next deterministic id with a prefix (`cert-0001`, …). */
export function nextId(x: ExtraState, prefix: string): string {
  x.serial++;
  return `${prefix}-${String(x.serial).padStart(4, '0')}`;
}
