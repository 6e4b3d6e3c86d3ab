/** Where provisioning writes: a CloudBase environment, or the local emulator (how CI tests it). */
import type { IndexSpec, Runtime } from '@aiphoto/runtime'

export interface ProvisionTarget {
  readonly name: string
  listCollections(): Promise<string[]>
  createCollection(name: string): Promise<void>
  /** Names of the indexes a collection has. */
  listIndexes(collection: string): Promise<string[]>
  createIndex(spec: IndexSpec): Promise<void>
  /** The runtime the seeders write through (database, storage for thumbnails, secret key for API keys). */
  runtime: Runtime
  close(): Promise<void>
}
