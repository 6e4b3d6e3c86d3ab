/** Package sizes of the builds, shared by the build check and bench/suites/miniapp-size.ts. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

/** WeChat counts every file; a sub-package is everything under its root, the main package is the rest. */
export function weappSizes(dist: string): { mainBytes: number; totalBytes: number; subPackages: Record<string, number> } {
  const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8')) as { subPackages?: Array<{ root: string }> }
  const roots = (app.subPackages ?? []).map((s) => s.root.replace(/\/$/, ''))
  const subPackages: Record<string, number> = Object.fromEntries(roots.map((r) => [r, 0]))
  let totalBytes = 0
  let mainBytes = 0
  for (const file of walk(dist)) {
    const rel = path.relative(dist, file).split(path.sep).join('/')
    if (rel === 'project.config.json' || rel.endsWith('.LICENSE.txt')) continue
    const size = statSync(file).size
    totalBytes += size
    const root = roots.find((r) => rel.startsWith(`${r}/`))
    if (root) subPackages[root] = (subPackages[root] ?? 0) + size
    else mainBytes += size
  }
  return { mainBytes, totalBytes, subPackages }
}

export interface H5ChunkGraph {
  /** Files loaded by index.html. */
  initial: string[]
  /** Per lazily loaded page module: the files its chunk group needs. */
  pages: Record<string, string[]>
}

const gz = (file: string) => gzipSync(readFileSync(file)).length

/** First-load JS of the H5 build, gzipped: the initial scripts plus what the first page needs. */
export function h5Sizes(dist: string, firstPage = 'pages/index/index'): { firstLoadGzip: number; allJsGzip: number } {
  const graphFile = path.join(dist, '..', 'h5-chunks.json')
  if (!existsSync(graphFile)) throw new Error(`${graphFile} is missing: build:h5 writes it`)
  const graph = JSON.parse(readFileSync(graphFile, 'utf8')) as H5ChunkGraph
  const pageKey = Object.keys(graph.pages).find((k) => k.includes(firstPage))
  if (!pageKey) throw new Error(`no chunk group for ${firstPage}`)
  const files = new Set([...graph.initial, ...(graph.pages[pageKey] ?? [])].filter((f) => f.endsWith('.js')))
  const firstLoadGzip = [...files].reduce((n, f) => n + gz(path.join(dist, f)), 0)
  const allJsGzip = walk(dist)
    .filter((f) => f.endsWith('.js'))
    .reduce((n, f) => n + gz(f), 0)
  return { firstLoadGzip, allJsGzip }
}
