/**
 * Writes dist/h5-chunks.json: the files index.html loads and, per lazily loaded page, the files its chunk group
 * needs. The size bench uses it to measure first-load JS without a browser.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Compiler } from 'webpack'

export class ChunkGraphPlugin {
  constructor(private readonly outFile: string) {}

  apply(compiler: Compiler): void {
    compiler.hooks.afterEmit.tap('ChunkGraphPlugin', (compilation) => {
      const initial = new Set<string>()
      for (const entry of compilation.entrypoints.values()) for (const f of entry.getFiles()) initial.add(f)
      const pages: Record<string, string[]> = {}
      for (const group of compilation.chunkGroups) {
        if (group.isInitial()) continue
        for (const origin of group.origins) {
          const request = origin.request
          if (request && /pages?\//.test(request)) pages[request] = [...new Set(group.getFiles())]
        }
      }
      mkdirSync(path.dirname(this.outFile), { recursive: true })
      writeFileSync(this.outFile, JSON.stringify({ initial: [...initial], pages }, null, 2))
    })
  }
}
