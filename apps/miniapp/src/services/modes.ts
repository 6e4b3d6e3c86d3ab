/** The names users see for 服装摄影's modes and the other kinds of work (one table for every page). */
import type { PhotographyMode, WorkMode } from '@aiphoto/contract'

export const WORK_MODE_LABEL: Record<WorkMode, string> = {
  on_model: '模特图',
  scene: '场景图',
  packshot: '白底图',
  fitting: '虚拟试衣',
  upscale: '高清放大',
}

export const PHOTOGRAPHY_MODES: ReadonlyArray<{ value: PhotographyMode; label: string; desc: string }> = [
  { value: 'on_model', label: '模特图', desc: '衣服穿在模特身上' },
  { value: 'scene', label: '场景图', desc: '商品放进场景里' },
  { value: 'packshot', label: '白底图', desc: '纯白底商品主图' },
]

export function isPhotographyMode(value: unknown): value is PhotographyMode {
  return value === 'on_model' || value === 'scene' || value === 'packshot'
}
