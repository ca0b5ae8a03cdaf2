import { defineConfig } from 'tsup';

// Bundle of the rack-gateway CLI for `npm install -g ./packages/cli`: workspace packages are
// bundled (they ship TypeScript sources), third-party dependencies stay external.
export default defineConfig({
  entry: { bin: 'src/bin.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  noExternal: [/^@rack-gateway\//],
});
