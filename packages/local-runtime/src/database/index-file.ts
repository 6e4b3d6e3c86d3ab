/** Reads the one index list (database/indexes.json): collections to create and their indexes. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { IndexSpec } from '@aiphoto/runtime'

export interface IndexFile {
  collections: string[]
  indexes: IndexSpec[]
}

/** The repository's database/indexes.json, resolved from this file's location. */
export const DEFAULT_INDEX_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../database/indexes.json')

export function loadIndexFile(file: string = DEFAULT_INDEX_FILE): IndexFile {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    collections: Array<{ name: string; indexes: Array<Omit<IndexSpec, 'collection'>> }>
  }
  return {
    collections: raw.collections.map((c) => c.name),
    indexes: raw.collections.flatMap((c) => c.indexes.map((i) => ({ ...i, collection: c.name }))),
  }
}
