/**
 * First-run data: scenes, prompt templates, credit packages, provider configs, the model library and showcases. Each seeder is idempotent
 * (inserts only documents whose `_id` is missing), so it runs on every start of the local cloud and from
 * `pnpm provision` against CloudBase.
 */
import type { Runtime } from '@aiphoto/runtime'
import { seedCreditPackages } from './modules/payment/credit-packages'
import { seedPromptTemplates, seedScenes, type SceneThumbnailRenderer } from './modules/catalog/seeders'
import { seedApiConfigs } from './modules/queue/seeders'
import { seedModels, seedShowcases, type ModelFigureRenderer } from './modules/models/seeders'

export interface SeedOptions {
  /** Count what would be inserted, write nothing (`pnpm provision --dry-run`). */
  dryRun?: boolean
  /** Renders scene thumbnails (the local cloud and provisioning pass @aiphoto/imaging's `renderSceneThumbnail`). */
  renderSceneThumbnail?: SceneThumbnailRenderer
  /** Draws the model library's stand-in figures (imaging's `drawModelFigure`); without it no model is seeded. */
  renderModelFigure?: ModelFigureRenderer
}

export type Seeder = (rt: Runtime, opts?: SeedOptions) => Promise<{ collection: string; inserted: number }>

export const seeders: Seeder[] = [seedCreditPackages, seedScenes, seedPromptTemplates, seedApiConfigs, seedModels, seedShowcases]

export async function seedDatabase(rt: Runtime, opts: SeedOptions = {}): Promise<Array<{ collection: string; inserted: number }>> {
  const results = []
  for (const seed of seeders) results.push(await seed(rt, opts))
  return results
}
