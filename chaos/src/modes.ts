/**
 * Every generation mode the simulated users exercise. Adding a mode is one entry: which action, which inputs it
 * needs (uploaded by the user first), and how to build the request from them.
 */
import type { ActionUrl } from '@aiphoto/contract'

export interface ModeInputs {
  garments: string[]
  person: string | null
  scenes: string[]
}

export interface Mode {
  name: string
  url: ActionUrl
  /** Uploads the request needs: garment photos and whether a person photo. */
  needs: { garments: number; person: boolean }
  /** Images a successful task delivers (for the price check). */
  build(inputs: ModeInputs, rand: () => number): Record<string, unknown>
}

const pick = <T>(xs: T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]!

export const MODES: Mode[] = [
  {
    name: 'photography',
    url: 'photography/generate',
    needs: { garments: 1, person: false },
    build: (inp, rand) => ({ garment_images: inp.garments.slice(0, 1), scene_id: pick(inp.scenes, rand), count: 1 + Math.floor(rand() * 3) }),
  },
  {
    name: 'fitting',
    url: 'fitting/generate',
    needs: { garments: 1, person: true },
    build: (inp) => ({ garment_image: inp.garments[0], person_image: inp.person }),
  },
]
