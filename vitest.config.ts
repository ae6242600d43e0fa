import { defineConfig } from 'vitest/config';

// One project per workspace package; unit tests sit next to their code, cross-process suites in tests/.
const packages = [
  'shared/config',
  'shared/connections',
  'shared/logging',
  'shared/metrics',
  'shared/db',
  'shared/jobs',
  'shared/domain',
  'shared/planner',
  'shared/providers',
  'shared/security',
  'shared/testing',
  'shared/worker-runtime',
  'services/api',
  'services/provider-sandbox',
  'workers/sync',
  'workers/planner',
  'workers/notifier',
];

// Workspace packages resolve to their TypeScript source; everything else resolves as Node would.
const conditions = ['@frontload/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      ...packages.map((dir) => ({
        extends: true as const,
        test: { name: dir, root: dir, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      })),
      {
        extends: true as const,
        test: {
          name: 'tests',
          root: 'tests',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', 'browser/**'],
        },
      },
      {
        extends: true as const,
        // One browser journey file at a time: each starts chromium, a sandbox, the API and workers.
        test: { name: 'browser', root: 'tests/browser', include: ['**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});
