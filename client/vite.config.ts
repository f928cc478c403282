import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // Bundle @parley/shared from its TypeScript source (its "source" export).
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // No inlined data: URIs for assets: the CSP allows our origin only.
    assetsInlineLimit: 0,
  },
});
