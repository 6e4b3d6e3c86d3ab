/**
 * `pnpm chaos`: the full chaos run (10k simulated users; `--users N`, `--seed N`, `--epochs N` to change it).
 * Prints the figures and writes docs/chaos.md (unless `--no-write`); exits 1 on any violation.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FULL_RUN } from './src/plans'
import { renderReport } from './src/report'
import { runChaos } from './src/scenario'

const here = path.dirname(fileURLToPath(import.meta.url))
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : undefined
}

let finished = false
// An empty event loop with the run unfinished means a promise nobody will resolve (e.g. a leaked transaction lock).
process.on('beforeExit', () => {
  if (!finished) {
    process.stderr.write('[chaos] deadlock: the event loop emptied before the run finished\n')
    process.exit(2)
  }
})

async function main(): Promise<void> {
  const options = { ...FULL_RUN, users: arg('users') ?? FULL_RUN.users, seed: arg('seed') ?? FULL_RUN.seed, epochs: arg('epochs') ?? FULL_RUN.epochs, log: (l: string) => process.stderr.write(l + '\n') }
  const report = await runChaos(options)
  finished = true
  const md = renderReport(report)
  process.stdout.write(md + '\n')
  if (!process.argv.includes('--no-write')) await writeFile(path.join(here, '..', 'docs', 'chaos.md'), md)
  if (report.violations.length) {
    process.stderr.write(`[chaos] ${report.violations.length} violation(s)\n`)
    process.exit(1)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
