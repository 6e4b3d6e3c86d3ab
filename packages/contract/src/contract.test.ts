import { describe, expect, it } from 'vitest'
import { actions, actionUrls, isActionUrl, ERROR_CODES } from './index'

const SEED_ACTIONS = [
  'api/listWorks', 'api/getWorkDetail', 'api/deleteWork', 'api/toggleFavorite', 'api/cancelTask',
  'user/register', 'user/getUserInfo', 'user/updateUserInfo',
  'photography/generate', 'photography/getProgress', 'fitting/generate',
  'payment/getPackages', 'payment/createOrder', 'payment/dailyCheckin', 'payment/listRechargeRecords', 'payment/listConsumeRecords',
  'scene/getScenes', 'prompt/generatePrompt', 'storage/resolveAsset', 'storage/registerAsset',
  'queue/addTask', 'queue/processTask', 'notify/sendMessage',
]

describe('contract', () => {
  it('declares every seed action under its seed module and name', () => {
    for (const url of SEED_ACTIONS) expect(actionUrls).toContain(url)
    for (const [key, def] of Object.entries(actions)) {
      expect(def.url).toBe(key)
      expect(key).toMatch(/^(api|user|photography|fitting|payment|scene|prompt|storage|queue|notify|admin)\/[a-zA-Z]+$/)
    }
  })

  it('internal modules are never reachable by users', () => {
    for (const def of Object.values(actions)) {
      if (/^(queue|notify)\//.test(def.url)) expect(def.access).toBe('system')
      if (def.url.startsWith('admin/')) expect(def.access).toBe('admin')
    }
  })

  it('isActionUrl rejects prototype names and non-strings', () => {
    for (const bad of ['constructor', 'toString', '__proto__', 'hasOwnProperty', ['user/register'], 1, null, undefined]) {
      expect(isActionUrl(bad)).toBe(false)
    }
    expect(isActionUrl('user/register')).toBe(true)
  })

  it('inputs are strict: unknown keys, operator objects and oversize strings fail', () => {
    const register = actions['user/register'].input
    expect(register.safeParse({ extra: 1 }).success).toBe(false)
    expect(register.safeParse({ invite_code: { $ne: null } }).success).toBe(false)
    expect(register.safeParse({ nickname: 'x'.repeat(33) }).success).toBe(false)
    expect(register.safeParse({ nickname: '  小明  ' })).toMatchObject({ success: true, data: { nickname: '小明' } })
    const detail = actions['api/getWorkDetail'].input
    expect(detail.safeParse({ work_id: { $gt: '' } }).success).toBe(false)
    expect(detail.safeParse({ work_id: '../etc' }).success).toBe(false)
    expect(actions['api/listWorks'].input.parse({})).toEqual({ tab: 'all', pageSize: 12 })
    expect(actions['api/listWorks'].input.safeParse({ pageSize: 51 }).success).toBe(false)
  })

  it('generate needs inputs or a work to regenerate from', () => {
    const gen = actions['photography/generate'].input
    expect(gen.safeParse({}).success).toBe(false)
    expect(gen.safeParse({ from_work_id: 'abc' }).success).toBe(true)
    expect(gen.safeParse({ garment_images: ['local://u/a.png'], scene_id: 's1', count: 5 }).success).toBe(false)
  })

  it('photography modes: scene needs a scene, packshot only listing sizes, models only on_model, one model source', () => {
    const gen = actions['photography/generate'].input
    const g = ['local://u/a.png']
    expect(gen.parse({ garment_images: g, scene_id: 's1' })).toMatchObject({ count: 1, options: {} })
    expect(gen.safeParse({ garment_images: g, mode: 'packshot', options: { hd: true } }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g, mode: 'packshot' }).success).toBe(true)
    expect(gen.safeParse({ garment_images: g, mode: 'packshot', options: { aspect_ratio: '16:9' } }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g, mode: 'on_model' }).success).toBe(true)
    expect(gen.safeParse({ garment_images: g, mode: 'on_model', model_id: 'm1', model_image: 'local://u/p.png' }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g, mode: 'scene', scene_id: 's1', model_id: 'm1' }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g, mode: 'on_model', garment_type: 'dress', bottom_garment_image: 'local://u/b.png' }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g, from_showcase_id: 'sc1' }).success).toBe(true)
    expect(gen.safeParse({ from_showcase_id: 'sc1' }).success).toBe(false)
    expect(gen.safeParse({ from_work_id: 'w1', from_showcase_id: 'sc1' }).success).toBe(false)
  })

  it('scene_id null is an explicit "no scene", distinct from absent; 场景图 refuses both', () => {
    const gen = actions['photography/generate'].input
    const g = ['local://u/a.png']
    expect(gen.parse({ garment_images: g, mode: 'on_model', scene_id: null })).toMatchObject({ scene_id: null })
    expect(gen.parse({ garment_images: g, mode: 'on_model' })).not.toHaveProperty('scene_id')
    expect(gen.safeParse({ from_showcase_id: 'sc1', garment_images: g, scene_id: null }).success).toBe(true)
    expect(gen.safeParse({ garment_images: g, mode: 'scene', scene_id: null }).success).toBe(false)
    expect(gen.safeParse({ garment_images: g, scene_id: null }).success).toBe(false)
  })

  it('batch: 1 to 9 garments, item rules checked per item', () => {
    const batch = actions['photography/generateBatch'].input
    const item = { garment_images: ['local://u/a.png'] }
    expect(batch.safeParse({ items: [], mode: 'packshot' }).success).toBe(false)
    expect(batch.safeParse({ items: Array(9).fill(item), mode: 'packshot' }).success).toBe(true)
    expect(batch.safeParse({ items: Array(10).fill(item), mode: 'packshot' }).success).toBe(false)
    const bad = batch.safeParse({ items: [item, { ...item, bottom_garment_image: 'local://u/b.png' }], mode: 'packshot' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.path).toEqual(['items', 1, 'mode'])
  })

  it('has the closed error code set', () => {
    expect(ERROR_CODES).toHaveLength(11)
  })
})
