// The mock rack as its own process for the suite, so that the load generator and the rack do not
// share an event loop: instant timings, no request log, no synthetic traffic lines. Prints one
// JSON line with its URL once it listens.
import { startMockRack } from '@rack-gateway/mock-rack';

const rack = await startMockRack({
  port: 0,
  password: process.env.BENCH_RACK_PASSWORD ?? 'bench-rack-pass',
  timings: 'instant',
  recordRequests: 0,
  trafficLogs: false,
});
process.stdout.write(`${JSON.stringify({ url: rack.url, port: rack.port })}\n`);
const stop = (): void => {
  rack.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
