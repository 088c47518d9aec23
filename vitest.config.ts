import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Scenario files written by tests import 'lmsload' from outside the repository; the CLI resolves
  // that with a module hook, which vitest's own module runner does not see.
  resolve: { alias: { lmsload: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/postgres-setup.ts'],
    reporters: ['default', ['json', { outputFile: '.lmsload/test-results.json' }]],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: one test file at a time keeps servers and load generators from starving each other.
    fileParallelism: false,
  },
})
