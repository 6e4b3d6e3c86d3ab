/** Chinese labels of the 模特库 attributes and 画同款 fields, shared by the console's model and showcase screens. */
import { PACKSHOT_ASPECTS, type ActionInput } from '@aiphoto/contract'

type ModelInput = ActionInput<'admin/upsertModel'>
type Option<K extends string> = ReadonlyArray<{ key: K; label: string }>

export const GENDERS: Option<ModelInput['gender']> = [
  { key: 'female', label: '女' },
  { key: 'male', label: '男' },
]
export const AGES: Option<ModelInput['age']> = [
  { key: 'child', label: '儿童' },
  { key: 'young', label: '青年' },
  { key: 'adult', label: '成年' },
  { key: 'senior', label: '中老年' },
]
export const BODIES: Option<ModelInput['body']> = [
  { key: 'slim', label: '纤细' },
  { key: 'regular', label: '标准' },
  { key: 'curvy', label: '曲线' },
  { key: 'plus', label: '大码' },
]
export const POSES: Option<ModelInput['pose']> = [
  { key: 'standing', label: '站姿' },
  { key: 'walking', label: '走姿' },
  { key: 'sitting', label: '坐姿' },
  { key: 'half_body', label: '半身' },
]
export const SKIN_TONES: Option<ModelInput['skin_tone']> = [
  { key: 'light', label: '白皙' },
  { key: 'medium', label: '自然' },
  { key: 'tan', label: '小麦' },
  { key: 'deep', label: '深色' },
]
export const SOURCE_LABEL: Record<string, string> = { licensed: '授权照片', generated: 'AI 生成', drawn: '示意插画' }

export const SHOWCASE_MODES: Option<ActionInput<'admin/upsertShowcase'>['mode']> = [
  { key: 'on_model', label: '模特图' },
  { key: 'scene', label: '场景图' },
  { key: 'packshot', label: '白底图' },
]
export const ASPECTS = [
  { key: '3:4', label: '3:4' },
  { key: '1:1', label: '1:1' },
  { key: '4:3', label: '4:3' },
  { key: '9:16', label: '9:16' },
  { key: '16:9', label: '16:9' },
] as const
/** 白底图 comes at listing sizes only. */
export const PACKSHOT_ASPECT_KEYS: ReadonlyArray<string> = PACKSHOT_ASPECTS

export const COVER_CHECK: Record<string, { label: string; tone?: 'ok' | 'bad' | 'warn' | 'info' }> = {
  seeded: { label: '预置' },
  pending: { label: '审核中', tone: 'info' },
  unchecked: { label: '送审失败', tone: 'warn' },
  pass: { label: '审核通过', tone: 'ok' },
  review: { label: '未通过', tone: 'bad' },
  risky: { label: '未通过', tone: 'bad' },
}

export const labelOf = (items: ReadonlyArray<{ key: string; label: string }>, key: string): string => items.find((i) => i.key === key)?.label ?? key
