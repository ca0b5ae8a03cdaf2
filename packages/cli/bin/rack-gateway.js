#!/usr/bin/env node
// The `rack-gateway` command. Inside the repository (tsx resolvable, sources present) it runs the
// TypeScript sources through tsx, so `npx rack-gateway` always runs the current code; an installed
// copy runs the bundle built by `npm run build -w packages/cli` (dist/bin.js).
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
  process.stderr.write('Error: rack-gateway is not built. Run: npm run build -w packages/cli\n');
  process.exit(1);
}
