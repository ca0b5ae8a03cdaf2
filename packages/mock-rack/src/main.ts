// `npm run mock-rack`: the mock rack standalone on port 5443 (MOCK_RACK_PORT overrides).
import { startMockRack } from './server.js';

const port = Number(process.env.MOCK_RACK_PORT ?? 5443);
const password = process.env.MOCK_RACK_PASSWORD;
const rack = await startMockRack({ port, ...(password ? { password } : {}) });
process.stdout.write(`mock rack listening on ${rack.url}\n`);
const stop = (): void => {
  rack.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
