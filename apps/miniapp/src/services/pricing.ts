/**
 * Credits per image, from the server (`photography/getPricing`), loaded once per app session and shared by the
 * generation pages, so the cost shown before 生成 is exactly what the gateway will charge.
 */
import { useEffect, useState } from 'react'
import type { PhotographyMode, Pricing } from '@aiphoto/contract'
import { api } from './api'

export type { Pricing }

let cached: Pricing | null = null
let inflight: Promise<Pricing> | null = null

function loadPricing(): Promise<Pricing> {
  inflight ??= api.photography.pricing({}).then(
    (p) => (cached = p),
    (err: unknown) => {
      inflight = null
      throw err
    },
  )
  return inflight
}

/** The prices, or null until they arrive (the cost bar then shows 计算中). */
export function usePricing(): Pricing | null {
  const [pricing, setPricing] = useState<Pricing | null>(cached)
  useEffect(() => {
    if (!cached) loadPricing().then(setPricing, () => undefined)
  }, [])
  return pricing
}

/**
 * The templates to ask for, synchronously: wx.requestSubscribeMessage must run inside the tap, so it cannot wait
 * for a request. Empty until the prices (loaded when a generation page opens) have arrived.
 */
export function subscribeTemplateIds(): string[] {
  return cached?.subscribe_template_ids ?? []
}

/** Credits per image of a mode; 高清 adds the upscale price (the server's unitPrice, packages/server generate.ts). */
export function photographyUnitPrice(pricing: Pricing, mode: PhotographyMode, hd: boolean): number {
  return pricing.modes[mode] + (hd && mode !== 'packshot' ? pricing.upscale_per_image : 0)
}

/** What one 生成 charges: every garment is its own work of `count` images (a batch charges each work). */
export function photographyCost(pricing: Pricing, input: { mode: PhotographyMode; count: number; garments: number; hd: boolean }): number {
  return photographyUnitPrice(pricing, input.mode, input.hd) * input.count * Math.max(1, input.garments)
}

export function upscaleCost(pricing: Pricing): number {
  return pricing.upscale_per_image
}

export function fittingCost(pricing: Pricing): number {
  return pricing.fitting_per_image
}
