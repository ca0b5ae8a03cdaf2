#!/usr/bin/env node
// The `rack-gateway-server` command. Inside the repository (tsx resolvable, sources present) it runs
// the TypeScript sources through tsx, so `npx rack-gateway-server` works right after `npm install`
// on a fresh clone; an installed copy runs the bundle of `npm run build -w packages/server`.
import { existsSync } from 'node:fs';

const source = new URL('../src/bin.ts', import.meta.url);
const bundle = new URL('../dist/bin.js', import.meta.url);

async function tsxAvailable() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch {
    return false;
  }
}

if (existsSync(source) && (await tsxAvailable())) await import(source.href);
else if (existsSync(bundle)) await import(bundle.href);
else {
  process.stderr.write(
    'Error: rack-gateway-server is not built. Run: npm run build -w packages/server\n',
  );
  process.exit(1);
}
