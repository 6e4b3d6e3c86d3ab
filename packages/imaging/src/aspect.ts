/** Output sizes: the requested aspect ratio with the long side fixed (1024 px by default). */
import type { GenerationJob } from '@aiphoto/runtime'

export type AspectRatio = GenerationJob['aspectRatio']

export function outputSize(aspect: AspectRatio, longSide = 1024): { width: number; height: number } {
  const [a, b] = aspect.split(':').map(Number) as [number, number]
  if (a >= b) return { width: longSide, height: Math.round((longSide * b) / a) }
  return { width: Math.round((longSide * a) / b), height: longSide }
}
