/**
 * Friendly grouped methods (`api.works.list(...)`) generated from a naming table over the contract's action map:
 * the only hand-written part is the name of each method.
 */
import type { ActionInput, ActionOutput, ActionUrl } from '@aiphoto/contract'

export const ACTION_GROUPS = {
  user: { register: 'user/register', get: 'user/getUserInfo', update: 'user/updateUserInfo' },
  works: {
    list: 'api/listWorks',
    detail: 'api/getWorkDetail',
    remove: 'api/deleteWork',
    toggleFavorite: 'api/toggleFavorite',
    cancelTask: 'api/cancelTask',
  },
  photography: {
    generate: 'photography/generate',
    generateBatch: 'photography/generateBatch',
    upscale: 'photography/upscale',
    progress: 'photography/getProgress',
    pricing: 'photography/getPricing',
    models: 'photography/listModels',
    showcases: 'photography/listShowcases',
    preset: 'photography/getPreset',
  },
  fitting: { generate: 'fitting/generate' },
  scenes: { list: 'scene/getScenes' },
  storage: { resolve: 'storage/resolveAsset', register: 'storage/registerAsset' },
  payment: {
    packages: 'payment/getPackages',
    createOrder: 'payment/createOrder',
    getOrder: 'payment/getOrder',
    checkin: 'payment/dailyCheckin',
    rechargeRecords: 'payment/listRechargeRecords',
    consumeRecords: 'payment/listConsumeRecords',
  },
} as const satisfies Record<string, Record<string, ActionUrl>>

type Groups = typeof ACTION_GROUPS

type Method<U extends ActionUrl> = {} extends ActionInput<U>
  ? (input?: ActionInput<U>) => Promise<ActionOutput<U>>
  : (input: ActionInput<U>) => Promise<ActionOutput<U>>

export type GroupedApi = { [G in keyof Groups]: { [M in keyof Groups[G]]: Groups[G][M] extends ActionUrl ? Method<Groups[G][M]> : never } }

type AnyCall = (url: ActionUrl, input?: unknown) => Promise<unknown>

export function createGroupedApi(call: AnyCall | ((...args: never[]) => Promise<unknown>)): GroupedApi {
  const invoke = call as AnyCall
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {}
  for (const [group, methods] of Object.entries(ACTION_GROUPS)) {
    const bound: Record<string, (input?: unknown) => Promise<unknown>> = {}
    for (const [name, url] of Object.entries(methods)) bound[name] = (input?: unknown) => invoke(url, input)
    api[group] = bound
  }
  return api as unknown as GroupedApi
}
