/** The conformance suite against the local emulator, configured like a provisioned CloudBase (strict collections). */
import { createLocalDatabase } from '../create-local-database'
import { runDatabaseConformance } from './run-database-conformance'

runDatabaseConformance('local emulator (SQLite, strict)', async () => {
  const local = createLocalDatabase({ file: ':memory:', strict: true, indexes: [] })
  return { db: local.db, close: () => local.close() }
})

runDatabaseConformance('local emulator (no push-down, mingo only)', async () => {
  const local = createLocalDatabase({ file: ':memory:', strict: true, indexes: [], pushdown: false })
  return { db: local.db, close: () => local.close() }
})
