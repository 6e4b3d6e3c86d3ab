/**
 * Cost shown before generating. NOTE: the contract has no pricing action yet, so these mirror the server's
 * defaults (PRODUCT_DEFAULTS.pricing in @aiphoto/runtime); the charge the server reports after generate is authoritative.
 */
export const PRICE_PER_IMAGE = { photography: 20, fitting: 30 } as const

export function photographyCost(count: number): number {
  return PRICE_PER_IMAGE.photography * count
}

export function fittingCost(): number {
  return PRICE_PER_IMAGE.fitting
}
