import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One browser and one local cloud for the file; the scenario is sequential by nature.
    fileParallelism: false,
    testTimeout: 150_000,
    hookTimeout: 60_000,
  },
})
