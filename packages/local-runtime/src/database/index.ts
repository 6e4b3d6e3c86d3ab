export { createLocalDatabase, type LocalDatabase, type LocalDatabaseOptions } from './create-local-database'
export { loadIndexFile, DEFAULT_INDEX_FILE, type IndexFile } from './index-file'
export { LocalDbError, DB_ERROR } from './errors'
export type { QueryTrace } from './finder'
