/** Browser-test helpers for the H5 preview (also used by bench/suites/h5-render.ts). */
export * from './harness'
export * from './ui'
