import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';
import { dataInventory } from './dataInventoryPlugin.js';

// Two builds of one source: production (dist, what `npm start` serves) and
// the test build (dist-testing, `--mode testing`) with the hooks browser tests
// and benchmarks use. `__PARLEY_TEST_BUILD__` decides at build time, so the
// production bundle contains none of the test code.
export default defineConfig(({ mode }) => {
  const testing = mode === 'testing';
  return {
    plugins: [react(), dataInventory()],
    define: { __PARLEY_TEST_BUILD__: JSON.stringify(testing) },
    // Bundle @parley/shared from its TypeScript source (its "source" export).
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: {
      outDir: testing ? 'dist-testing' : 'dist',
      emptyOutDir: true,
      sourcemap: true,
      // No inlined data: URIs for assets: the CSP allows our origin only.
      assetsInlineLimit: 0,
    },
  };
});
