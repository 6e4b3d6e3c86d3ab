/** One line of the benchmark report: a figure, the baseline measured beside it in the same run, and the goal. */
export interface BenchRow {
  suite: string
  name: string
  value: number
  unit: string
  /** The comparison measured in the same run (e.g. full scan vs. index). */
  baseline?: { name: string; value: number; unit?: string }
  /** Human-readable goal, e.g. '≤ 2 ms'. */
  goal?: string
  /** Whether the goal was met; undefined when the row has no goal. */
  pass?: boolean
}

export interface BenchSuite {
  name: string
  run(): Promise<BenchRow[]>
}

/** Percentile of a sorted-or-not sample (nearest-rank). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? NaN
}
