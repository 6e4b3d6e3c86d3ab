/**
 * The local compositor (`local` image provider): wall time per 1024 px image, photography and try-on,
 * through the provider's own render path (cut-out, backdrop, layers, AI mark, JPEG encode).
 * Side by side in the same run: a plain sharp decode + resize + JPEG encode of the same input to the same
 * output size, so what the compositing itself costs is visible.
 */
import { createFixtureGarment, createFixturePerson, outputSize, renderLocalJob } from '@aiphoto/imaging'
import type { GenerationJob } from '@aiphoto/runtime'
import sharp from 'sharp'
import { percentile, type BenchRow, type BenchSuite } from '../types'

const WARMUP = 3
const RUNS = 20
const GOAL_MS = 150

async function sample(fn: () => Promise<unknown>, runs = RUNS): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return out
}

const SCENES = [
  { backdrop: 'garden', light: 'natural' },
  { backdrop: 'white', light: 'studio' },
  { backdrop: 'cafe', light: 'warm' },
  { backdrop: 'street', light: 'natural' },
]

const suite: BenchSuite = {
  name: 'compositor',
  async run(): Promise<BenchRow[]> {
    const garment = await createFixtureGarment({ format: 'jpeg' })
    const person = await createFixturePerson()
    const { width, height } = outputSize('3:4', 1024)
    let n = 0
    const job = (kind: GenerationJob['kind'], count: number): GenerationJob => ({
      kind,
      inputs: { garments: [garment], person: kind === 'fitting' ? person : undefined },
      inputUrls: { garments: [] },
      prompt: 'bench',
      negativePrompt: '',
      count,
      aspectRatio: '3:4',
      scene: { id: `bench-${n}`, name: 'bench', category: 'bench', parameters: SCENES[n++ % SCENES.length]! },
      options: {},
    })
    const baseline = (input: Buffer) => () => sharp(input).resize(width, height, { fit: 'cover' }).jpeg({ quality: 86 }).toBuffer()

    const rows: BenchRow[] = []
    for (const kind of ['photography', 'fitting'] as const) {
      const input = kind === 'fitting' ? person : garment
      const base = percentile(await sample(baseline(input)), 50)
      const one = await sample(() => renderLocalJob(job(kind, 1)))
      const four = (await sample(() => renderLocalJob(job(kind, 4)), 6)).map((ms) => ms / 4)
      const p50 = percentile(one, 50)
      rows.push({
        suite: 'compositor',
        name: `${kind}, 1 image ${width}×${height} (p50, incl. cut-out)`,
        value: p50,
        unit: 'ms',
        baseline: { name: 'sharp resize+encode of the input', value: base },
        goal: `≤ ${GOAL_MS} ms`,
        pass: p50 <= GOAL_MS,
      })
      rows.push({ suite: 'compositor', name: `${kind}, 1 image (p95)`, value: percentile(one, 95), unit: 'ms', baseline: { name: 'sharp resize+encode of the input', value: base } })
      rows.push({
        suite: 'compositor',
        name: `${kind}, per image in a 4-image job (p50, cut-out shared)`,
        value: percentile(four, 50),
        unit: 'ms',
        baseline: { name: 'sharp resize+encode of the input', value: base },
      })
    }
    return rows
  },
}

export default suite
