/**
 * The provider steps of a task, planned at generate time from its mode:
 * - fitting:  try-on (the user's person photo)
 * - on_model: try-on onto the model photo → [cut-out → scene] when a scene is chosen → [upscale] when HD
 * - scene:    cut-out → scene (background generation) → [upscale]
 * - packshot: cut-out → packshot (pure white, listing size; the local compositor)
 * - upscale:  upscale (a post-process of an existing image)
 * Units: a try-on job yields one image, so a try-on step runs one unit per image paid for; a step working on an
 * earlier step's images (scene/cut-out after try-on, upscale) runs one unit per image; the first cut-out is one
 * unit and the first scene/packshot step one unit asking for every image at once.
 */
import type { TaskStepKind, TaskStep, WorkMode } from '../../data/documents'
import type { GenerationKind } from '@aiphoto/runtime'

export function planSteps(mode: WorkMode, opts: { scene: boolean; hd: boolean }): TaskStep[] {
  const kinds: TaskStepKind[] =
    mode === 'fitting' ? ['tryon']
    : mode === 'on_model' ? ['tryon', ...(opts.scene ? (['cutout', 'scene'] as const) : [])]
    : mode === 'scene' ? ['cutout', 'scene']
    : mode === 'packshot' ? ['cutout', 'packshot']
    : ['upscale']
  if (opts.hd && mode !== 'upscale' && mode !== 'packshot') kinds.push('upscale')
  return kinds.map((kind) => ({ kind, units: null }))
}

/** The job kind (provider capability) a step asks for. */
export const STEP_JOB_KIND: Record<TaskStepKind, GenerationKind> = {
  tryon: 'fitting',
  cutout: 'cutout',
  scene: 'photography',
  packshot: 'packshot',
  upscale: 'upscale',
}

/** What users read while a step runs, e.g. "模特换装中 1/2". */
export const STEP_LABEL: Record<TaskStepKind, string> = {
  tryon: '模特换装中',
  cutout: '智能抠图中',
  scene: '生成场景',
  packshot: '生成白底图',
  upscale: '高清放大中',
}

/**
 * Plans the units of step `index` from what the previous step delivered (the first step works on the task's
 * inputs). Returns [] when the previous step delivered nothing (the task then fails).
 */
export function planUnits(steps: TaskStep[], index: number, count: number): NonNullable<TaskStep['units']> {
  const step = steps[index]!
  const prev = index > 0 ? steps[index - 1]! : null
  const prevOutputs = prev ? (prev.units ?? []).flatMap((u) => u.outputs ?? []) : null
  if (step.kind === 'tryon') {
    // Try-on is the first step: one job per image.
    return Array.from({ length: count }, () => ({ count: 1, source: null, outputs: null }))
  }
  if (prevOutputs === null) {
    // First step on the garment itself: one cut-out, or one job asking for every image.
    return [{ count: step.kind === 'cutout' ? 1 : count, source: null, outputs: null }]
  }
  if (step.kind === 'scene' || step.kind === 'packshot') {
    // After a single garment cut-out: one job for every image; after try-on cut-outs: one per dressed model.
    if (prev!.kind === 'cutout' && (index === 1 && steps[0]!.kind === 'cutout')) return prevOutputs.length ? [{ count, source: 0, outputs: null }] : []
  }
  return prevOutputs.map((_, i) => ({ count: 1, source: i, outputs: null }))
}

/** The images a step delivered so far (in unit order). */
export function stepOutputs(step: TaskStep): string[] {
  return (step.units ?? []).flatMap((u) => u.outputs ?? [])
}

/**
 * The input index (`unit.source`) of the unit that delivered a step's `outputIndex`-th image: with a unit that
 * failed for good, output indexes and unit indexes no longer line up, and a later step must still pair each image
 * with the picture it came from.
 */
export function sourceOfOutput(step: TaskStep, outputIndex: number): number | null {
  let seen = 0
  for (const unit of step.units ?? []) {
    const n = unit.outputs?.length ?? 0
    if (outputIndex < seen + n) return unit.source
    seen += n
  }
  return null
}
