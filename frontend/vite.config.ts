import react from '@vitejs/plugin-react';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Copies swagger-ui-dist's bundle and CSS to dist/docs-assets/ (served by /api/docs; no CDN). */
function swaggerAssets(): Plugin {
  return {
    name: 'parsipas-swagger-assets',
    apply: 'build',
    closeBundle() {
      const src = dirname(require.resolve('swagger-ui-dist/package.json'));
      const out = resolve(import.meta.dirname, 'dist/docs-assets');
      mkdirSync(out, { recursive: true });
      for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(resolve(src, f), resolve(out, f));
    },
  };
}

export default defineConfig({
  plugins: [react(), swaggerAssets()],
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  build: { chunkSizeWarningLimit: 1200 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
