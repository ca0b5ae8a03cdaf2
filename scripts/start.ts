// `npm start`: build the web client if needed, then run the gateway in demo mode
// (rack-gateway-server serve --demo) in this process, so Ctrl-C stops everything cleanly.
import { ensureWebBuild } from './lib/web-build.ts';

ensureWebBuild();
const { runCli } = await import('../packages/server/src/main.ts');
await runCli(['serve', '--demo', ...process.argv.slice(2)]);
