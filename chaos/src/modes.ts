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
    name: 'scene',
    url: 'photography/generate',
    needs: { garments: 1, person: false },
    build: (inp, rand) => ({ garment_images: inp.garments.slice(0, 1), scene_id: pick(inp.scenes, rand), count: 1 + Math.floor(rand() * 3) }),
  },
  {
    // 模特图 with a random library model (no model_id), sometimes followed by a scene step.
    name: 'on_model',
    url: 'photography/generate',
    needs: { garments: 1, person: false },
    build: (inp, rand) => ({ mode: 'on_model', garment_images: inp.garments.slice(0, 1), count: 1, ...(rand() < 0.3 ? { scene_id: pick(inp.scenes, rand) } : {}) }),
  },
  {
    name: 'packshot',
    url: 'photography/generate',
    needs: { garments: 1, person: false },
    build: (inp) => ({ mode: 'packshot', garment_images: inp.garments.slice(0, 1), count: 1 }),
  },
  {
    name: 'batch',
    url: 'photography/generateBatch',
    needs: { garments: 2, person: false },
    build: (inp, rand) => ({ mode: 'scene', scene_id: pick(inp.scenes, rand), count: 1, items: inp.garments.slice(0, 2).map((g) => ({ garment_images: [g] })) }),
  },
  {
    name: 'fitting',
    url: 'fitting/generate',
    needs: { garments: 1, person: true },
    build: (inp) => ({ garment_image: inp.garments[0], person_image: inp.person }),
  },
]
