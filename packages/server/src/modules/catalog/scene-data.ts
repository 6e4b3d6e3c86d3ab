/**
 * The scenes seeded on first run: four categories, display order, and parameters the image providers read
 * (`backdrop`/`light`/`palette` for the local compositor; `background`/`lighting` as in the seed).
 */
import type { SceneCategory } from '../../data/documents'

export interface SeedScene {
  _id: string
  name: string
  category: SceneCategory
  description: string
  parameters: Record<string, string>
  sort_order: number
}

export const SEED_SCENES: SeedScene[] = [
  { _id: 'studio-white', name: '纯白影棚', category: 'studio', description: '干净的白色无缝背景，电商主图首选', parameters: { backdrop: 'white', light: 'studio', background: 'seamless white studio backdrop', lighting: 'soft even studio lighting' }, sort_order: 10 },
  { _id: 'studio-grey', name: '高级灰影棚', category: 'studio', description: '中性灰背景，质感时尚大片', parameters: { backdrop: 'grey', light: 'dramatic', background: 'neutral grey studio backdrop', lighting: 'dramatic key light' }, sort_order: 20 },
  { _id: 'studio-pastel', name: '马卡龙展台', category: 'studio', description: '柔和粉彩配色与展台，适合少女风', parameters: { backdrop: 'pastel', light: 'soft', palette: 'pastel', background: 'pastel podium set', lighting: 'soft diffuse light' }, sort_order: 30 },
  { _id: 'indoor-cafe', name: '午后咖啡馆', category: 'indoor', description: '温暖木质咖啡馆，生活感穿搭', parameters: { backdrop: 'cafe', light: 'warm', background: 'cozy wooden cafe interior', lighting: 'warm window light' }, sort_order: 40 },
  { _id: 'indoor-loft', name: '工业风 Loft', category: 'indoor', description: '红砖墙与大窗，街头潮牌', parameters: { backdrop: 'loft', light: 'natural', background: 'industrial loft with brick wall', lighting: 'natural daylight from large windows' }, sort_order: 50 },
  { _id: 'outdoor-garden', name: '户外花园', category: 'outdoor', description: '繁花绿植，清新自然', parameters: { backdrop: 'garden', light: 'natural', background: 'blooming garden', lighting: 'natural sunlight' }, sort_order: 60 },
  { _id: 'outdoor-beach', name: '海边度假', category: 'outdoor', description: '碧海沙滩，度假风格', parameters: { backdrop: 'beach', light: 'sunset', background: 'seaside beach', lighting: 'golden hour sunlight' }, sort_order: 70 },
  { _id: 'street-city', name: '城市街拍', category: 'street', description: '都市街景，通勤与休闲', parameters: { backdrop: 'street', light: 'cool', background: 'city street', lighting: 'overcast daylight' }, sort_order: 80 },
  { _id: 'street-night', name: '霓虹夜景', category: 'street', description: '霓虹灯下的夜色街头', parameters: { backdrop: 'night', light: 'dramatic', background: 'neon city street at night', lighting: 'neon lights' }, sort_order: 90 },
]

/** Thumbnails are rendered at this size (3:4, like the scene cards). */
export const THUMBNAIL_SIZE = { width: 480, height: 640 } as const

/** Where a scene's rendered thumbnail is stored. */
export const sceneThumbnailPath = (sceneId: string) => `scenes/${sceneId}.jpg`
