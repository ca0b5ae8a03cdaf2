// Phase 2, gateways only: `serve` to its first healthy answer on an empty data directory or
// database (cold: migrations and the chain's genesis), then again on the same one (warm), the
// variants interleaved by round. Each start is a fresh process; nothing else runs meanwhile.
import { gatewaySpec, type RunContext, roundOrder } from './context.ts';
import { startGatewayProcess } from './gateway.ts';
import type { GatewayVariant } from './gateway-env.ts';

export async function startPhase(ctx: RunContext, variants: readonly GatewayVariant[]) {
  for (let round = 0; round < ctx.options.rounds; round++) {
    console.log(`  start-up round ${round + 1} of ${ctx.options.rounds}`);
    for (const variant of roundOrder(variants, round)) {
      const spec = await gatewaySpec(ctx, variant, `start${round}`);
      for (const kind of ['cold', 'warm'] as const) {
        const gw = await startGatewayProcess(spec);
        await gw.stop();
        ctx.results.add('start', variant, kind, gw.startMs / 1000);
      }
    }
  }
}
