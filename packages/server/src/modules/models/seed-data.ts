/**
 * The model library and 画同款 showcases seeded on first run. Locally (and until an operator adds licensed
 * photos) the models are the compositor's drawn figures, marked `source: drawn` so nobody mistakes them for
 * licensed photos; docs/deploy.md says how to replace them.
 */
import type { ModelDoc, ShowcaseDoc } from '../../data/documents'

export type SeedModel = Pick<ModelDoc, '_id' | 'name' | 'gender' | 'age' | 'body' | 'pose' | 'skin_tone' | 'scene_id' | 'sort_order'>

export const SEED_MODELS: SeedModel[] = [
  { _id: 'model-f-young-slim', name: '小雅', gender: 'female', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'light', scene_id: null, sort_order: 10 },
  { _id: 'model-f-young-walk', name: '林夕', gender: 'female', age: 'young', body: 'regular', pose: 'walking', skin_tone: 'medium', scene_id: null, sort_order: 20 },
  { _id: 'model-f-adult-curvy', name: '安然', gender: 'female', age: 'adult', body: 'curvy', pose: 'standing', skin_tone: 'tan', scene_id: null, sort_order: 30 },
  { _id: 'model-f-adult-plus', name: '米娅', gender: 'female', age: 'adult', body: 'plus', pose: 'standing', skin_tone: 'deep', scene_id: null, sort_order: 40 },
  { _id: 'model-f-senior', name: '秀兰', gender: 'female', age: 'senior', body: 'regular', pose: 'standing', skin_tone: 'medium', scene_id: null, sort_order: 50 },
  { _id: 'model-f-half', name: '晴晴', gender: 'female', age: 'young', body: 'regular', pose: 'half_body', skin_tone: 'light', scene_id: null, sort_order: 60 },
  { _id: 'model-m-young', name: '子墨', gender: 'male', age: 'young', body: 'slim', pose: 'standing', skin_tone: 'light', scene_id: null, sort_order: 70 },
  { _id: 'model-m-adult-walk', name: '志远', gender: 'male', age: 'adult', body: 'regular', pose: 'walking', skin_tone: 'medium', scene_id: null, sort_order: 80 },
  { _id: 'model-m-adult-plus', name: '大卫', gender: 'male', age: 'adult', body: 'plus', pose: 'standing', skin_tone: 'tan', scene_id: null, sort_order: 90 },
  { _id: 'model-m-senior', name: '建国', gender: 'male', age: 'senior', body: 'regular', pose: 'standing', skin_tone: 'deep', scene_id: null, sort_order: 100 },
  { _id: 'model-c-girl', name: '朵朵', gender: 'female', age: 'child', body: 'slim', pose: 'standing', skin_tone: 'medium', scene_id: null, sort_order: 110 },
  { _id: 'model-c-boy', name: '乐乐', gender: 'male', age: 'child', body: 'regular', pose: 'standing', skin_tone: 'light', scene_id: null, sort_order: 120 },
]

export type SeedShowcase = Pick<ShowcaseDoc, '_id' | 'title' | 'mode' | 'scene_id' | 'model_id' | 'options' | 'sort_order'>

export const SEED_SHOWCASES: SeedShowcase[] = [
  { _id: 'showcase-studio-model', title: '白棚模特 · 电商主图', mode: 'on_model', scene_id: null, model_id: 'model-f-young-slim', options: { aspect_ratio: '3:4' }, sort_order: 10 },
  { _id: 'showcase-garden-model', title: '花园外拍 · 清新女装', mode: 'on_model', scene_id: 'outdoor-garden', model_id: 'model-f-young-walk', options: { aspect_ratio: '3:4' }, sort_order: 20 },
  { _id: 'showcase-street-men', title: '城市街拍 · 男装通勤', mode: 'on_model', scene_id: 'street-city', model_id: 'model-m-adult-walk', options: { aspect_ratio: '3:4' }, sort_order: 30 },
  { _id: 'showcase-cafe-scene', title: '咖啡馆场景 · 生活感', mode: 'scene', scene_id: 'indoor-cafe', model_id: null, options: { aspect_ratio: '1:1' }, sort_order: 40 },
  { _id: 'showcase-packshot', title: '白底图 · 800×800 带阴影', mode: 'packshot', scene_id: null, model_id: null, options: { aspect_ratio: '1:1', shadow: true }, sort_order: 50 },
]

/** Library photos are drawn at this size (3:4) and their thumbnails at the smaller one. */
export const MODEL_PHOTO_SIZE = { width: 768, height: 1024 } as const
export const MODEL_THUMB_SIZE = { width: 360, height: 480 } as const
export const modelPhotoPath = (id: string) => `models/${id}.jpg`
export const modelThumbPath = (id: string) => `models/${id}-thumb.jpg`
