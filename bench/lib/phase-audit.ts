// Phase 3, gateways only: list, stats and search through the HTTP API on a valid chain of N
// generated events (bench/lib/audit-volume.ts), for each N of BENCH_AUDIT_SIZES, with the admin's
// API token; the variants interleaved by round after one unrecorded pass.

import { keyringFromConfig } from '../../packages/server/src/audit/chain/keys.ts';
import { AUDIT_QUERIES } from './audit-api.ts';
import { generateAuditVolume } from './audit-volume.ts';
import { gatewaySpec, type RunContext, roundOrder } from './context.ts';
import { startGatewayProcess } from './gateway.ts';
import type { GatewayVariant } from './gateway-env.ts';
import { type EventGenerator, prepareGateway } from './gateway-prep.ts';
import { median } from './stats.ts';

/** Writes `events` events into the gateway's chain, printing progress on long runs. */
function volume(events: number): EventGenerator {
  return async (db, config) => {
    const began = performance.now();
    let reported = began;
    await generateAuditVolume(db, {
      chainId: config.audit.chainId,
      keyring: keyringFromConfig(config),
      events,
      onProgress: (written) => {
        if (performance.now() - reported < 15_000) return;
        reported = performance.now();
        const rate = Math.round(written / ((reported - began) / 1000));
        console.log(`    ${written} of ${events} events (${rate}/s)`);
      },
    });
  };
}

interface AuditGateway {
  readonly variant: GatewayVariant;
  readonly events: number;
  readonly url: string;
  readonly token: string;
}

async function timedQuery(ctx: RunContext, g: AuditGateway, path: string): Promise<number> {
  const began = performance.now();
  const res = await fetch(`${g.url}${path}`, { headers: { authorization: `Bearer ${g.token}` } });
  const body = await res.text();
  const ms = performance.now() - began;
  if (res.status !== 200)
    ctx.results.fail({
      scenario: 'audit',
      variant: g.variant,
      round: -1,
      count: 1,
      sample: `${path}: ${res.status} ${body.slice(0, 200)}`,
    });
  return ms;
}

async function startAuditGateway(ctx: RunContext, variant: GatewayVariant, size: number) {
  const spec = await gatewaySpec(ctx, variant, `audit${size}`);
  console.log(`  generating ${size} audit events for the ${variant} gateway`);
  const prepared = await prepareGateway(spec, { generate: volume(size) });
  ctx.results.add(
    `audit-${size}`,
    variant,
    'generatedPerSecond',
    size / prepared.generationSeconds,
  );
  const gw = await startGatewayProcess(spec);
  ctx.cleanup.push(() => gw.stop());
  return {
    gateway: { variant, events: size, url: gw.url, token: prepared.token },
    stop: () => gw.stop(),
  };
}

async function auditRound(ctx: RunContext, gateways: readonly AuditGateway[], round: number) {
  for (const g of roundOrder(gateways, round)) {
    for (const [kind, path] of Object.entries(AUDIT_QUERIES)) {
      const samples: number[] = [];
      for (let i = 0; i < ctx.options.auditRepeats; i++)
        samples.push(await timedQuery(ctx, g, path));
      ctx.results.add(`audit-${g.events}`, g.variant, kind, median(samples));
    }
  }
}

export async function auditPhase(ctx: RunContext, variants: readonly GatewayVariant[]) {
  for (const events of ctx.options.auditSizes) {
    const started = [];
    for (const v of variants) started.push(await startAuditGateway(ctx, v, events));
    const gateways = started.map((s) => s.gateway);
    // One unrecorded pass: the first query of a kind also pays for planning and cold caches.
    for (const g of gateways)
      for (const path of Object.values(AUDIT_QUERIES)) await timedQuery(ctx, g, path);
    for (let round = 0; round < ctx.options.rounds; round++) await auditRound(ctx, gateways, round);
    for (const s of started) await s.stop();
  }
}
