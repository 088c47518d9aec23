import { defineConfig } from 'vitest/config'

export default defineConfig({
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
