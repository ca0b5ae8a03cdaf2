// `npm run mock-idp`: the mock IdP standalone on port 3345 (MOCK_IDP_PORT overrides).
import { startMockIdp } from './server.js';

const port = Number(process.env.MOCK_IDP_PORT ?? 3345);
const idp = await startMockIdp({ port });
process.stdout.write(`mock IdP listening on ${idp.issuer}\n`);
const stop = (): void => {
  idp.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
