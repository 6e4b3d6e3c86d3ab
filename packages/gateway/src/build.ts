/**
 * Bundles the cloud function: src/entry.ts → cloudfunctions/gateway/index.js, one minified CJS file for Node 16+
 * with wx-server-sdk and @cloudbase/node-sdk left to the function's node_modules. Fails when anything native or
 * an SDK copy slipped into the bundle. Run: `pnpm --filter @aiphoto/gateway-build build`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(here, '../../..')
export const FUNCTION_DIR = path.join(REPO_ROOT, 'cloudfunctions/gateway')
export const ENTRY = path.join(here, 'entry.ts')
/** The providers' own file, required by index.js at the first generation (see cloud-providers.ts). */
export const PROVIDERS_ENTRY = path.join(here, 'providers-entry.ts')
const PROVIDERS_FILE = './providers.js'

/** Provided by the function's node_modules (wx-server-sdk 4.0.2 brings node-sdk 3.17.2). */
export const EXTERNAL = ['wx-server-sdk', '@cloudbase/node-sdk', 'sharp']
/** Must never be bundled: native modules, local-only storage, or a second copy of an SDK. */
const FORBIDDEN_INPUTS = [/node_modules\/sharp\//, /node_modules\/@img\//, /better-sqlite3/, /node_modules\/wx-server-sdk\//, /node_modules\/@cloudbase\//, /\.node$/]

export interface BuildResult {
  outfile: string
  bytes: number
  gzipBytes: number
  inputs: string[]
  /** The lazily required providers file next to it. */
  providers: { outfile: string; bytes: number }
}

function options(entry: string, outfile: string, external: string[]) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node16',
    minify: true,
    legalComments: 'none' as const,
    external,
    metafile: true,
    logLevel: 'warning' as const,
    // NOTE: ESM sources use import.meta.url (e.g. a createRequire fallback); in CJS it is this file's URL.
    define: { 'import.meta.url': '__aiphoto_import_meta_url' },
    banner: { js: 'var __aiphoto_import_meta_url=require("url").pathToFileURL(__filename).href;' },
  }
}

function checkInputs(metafile: Metafile): string[] {
  const inputs = Object.keys(metafile.inputs)
  const forbidden = inputs.filter((i) => FORBIDDEN_INPUTS.some((re) => re.test(i)))
  if (forbidden.length) throw new Error(`the cloud bundle must not contain: ${forbidden.slice(0, 5).join(', ')}`)
  return inputs
}

export async function buildGateway(opts: { outfile?: string } = {}): Promise<BuildResult> {
  const outfile = opts.outfile ?? path.join(FUNCTION_DIR, 'index.js')
  const providersFile = path.join(path.dirname(outfile), PROVIDERS_FILE)
  const [main, providers] = await Promise.all([
    build(options(ENTRY, outfile, [...EXTERNAL, PROVIDERS_FILE])),
    build(options(PROVIDERS_ENTRY, providersFile, EXTERNAL)),
  ])
  const inputs = checkInputs(main.metafile as Metafile)
  checkInputs(providers.metafile as Metafile)
  if (inputs.some((i) => i.includes('packages/imaging/'))) throw new Error('the image providers belong in providers.js, not index.js')
  const code = readFileSync(outfile)
  return { outfile, bytes: code.length, gzipBytes: gzipSync(code).length, inputs, providers: { outfile: providersFile, bytes: readFileSync(providersFile).length } }
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  const started = performance.now()
  buildGateway().then(
    (r) => {
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
      console.log(`${path.relative(REPO_ROOT, r.outfile)}: ${kb(r.bytes)} (gzip ${kb(r.gzipBytes)}), ${r.inputs.length} inputs; providers.js ${kb(r.providers.bytes)}; ${(performance.now() - started).toFixed(0)} ms`)
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err)
      process.exit(1)
    },
  )
}
