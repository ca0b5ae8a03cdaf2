import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA is served by the gateway under /app; the dev server proxies the API to a local gateway.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0 },
  server: {
    port: 5223,
    strictPort: true,
    proxy: { '/api': { target: 'http://localhost:8447', changeOrigin: false, ws: true } },
  },
});
