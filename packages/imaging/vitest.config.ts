import { defineConfig } from 'vitest/config'

// Image rendering on a shared 2-core machine: allow generous per-test time.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } })
