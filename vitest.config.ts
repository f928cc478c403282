import { defineConfig } from 'vitest/config';

// Two projects, run one after the other by `npm test`: fast unit and
// integration tests (real mediasoup worker, real files), then real browsers.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    env: { PARLEY_LOG_LEVEL: 'warn' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            '{shared,server,client}/{src,test}/**/*.test.{ts,tsx}',
            'scripts/**/*.test.ts',
            // The benchmarks' own frame formats (round trips, byte counts): no browser needed.
            'e2e/bench/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          // Benchmarks that print numbers; run by `npm run bench:…`, not by `npm test`.
          name: 'bench',
          include: ['e2e/bench/**/*.bench.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          // Eight browsers on two cores: run by `npm run test:large-room` on a quiet machine, not by `npm test`.
          exclude: ['e2e/e2ee-room.test.ts', 'e2e/bench/**'],
          // One browser suite at a time: this machine has two cores.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'large-room',
          include: ['e2e/e2ee-room.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
