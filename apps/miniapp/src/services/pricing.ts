/**
 * Credits per image, from the server (`photography/getPricing`), loaded once per app session and shared by the
 * generation pages, so the cost shown before 生成 is exactly what the gateway will charge.
 */
import { useEffect, useState } from 'react'
import { api } from './api'

export interface Pricing {
  photography_per_image: number
  fitting_per_image: number
  /** Every subscribe-message template the server may send about a generation (done and failed). */
  subscribe_template_ids: string[]
}

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

export function photographyCost(pricing: Pricing, count: number): number {
  return pricing.photography_per_image * count
}

export function fittingCost(pricing: Pricing): number {
  return pricing.fitting_per_image
}
