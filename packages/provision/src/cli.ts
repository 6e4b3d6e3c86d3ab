/**
 * `pnpm provision [--dry-run] [--local <data dir>]`
 * Creates the collections and indexes of database/indexes.json and runs the seeders, idempotently.
 * Target: the CloudBase environment in TCB_ENV_ID (with TCB_SECRET_ID / TCB_SECRET_KEY and AIPHOTO_SECRET_KEY),
 * or the local emulator with `--local`.
 */
import path from 'node:path'
import { loadIndexFile } from '@aiphoto/local-runtime'
import { provision, renderPlan } from './plan'
import { localTarget } from './local-target'
import { cloudTarget } from './cloud-target'
import { providerKeysFromEnv } from './provider-configs'
import { drawModelFigure, renderSceneThumbnail } from '@aiphoto/imaging'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const dryRun = args.includes('--dry-run')
  const localIdx = args.indexOf('--local')
  const unknown = args.filter((a, i) => a !== '--dry-run' && a !== '--local' && !(localIdx >= 0 && i === localIdx + 1))
  if (unknown.length) throw new Error(`unknown arguments: ${unknown.join(' ')}`)
  const target =
    localIdx >= 0
      ? // pnpm runs scripts in the package folder; a relative data dir means the caller's folder (INIT_CWD).
        localTarget({ dataDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), args[localIdx + 1] ?? '.data'), env: process.env })
      : await cloudTarget(process.env)
  try {
    process.stdout.write(`provisioning ${target.name}${dryRun ? ' (dry run)' : ''}\n`)
    const steps = await provision(target, loadIndexFile(), {
      dryRun,
      seed: { renderSceneThumbnail: (parameters, size) => renderSceneThumbnail(parameters, size), renderModelFigure: (attributes, size) => drawModelFigure(attributes, size) },
      providerKeys: providerKeysFromEnv(process.env),
    })
    process.stdout.write(renderPlan(steps, dryRun) + '\n')
  } finally {
    await target.close()
  }
}

main().catch((err) => {
  process.stderr.write(`provision failed: ${(err as Error).message}\n`)
  process.exit(1)
})
