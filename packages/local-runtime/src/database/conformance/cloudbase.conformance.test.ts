/**
 * The same conformance suite against a real CloudBase environment, through `@cloudbase/node-sdk` (what the
 * gateway uses in production). Runs only when TCB_ENV_ID, TCB_SECRET_ID and TCB_SECRET_KEY are set.
 */
import { describe, it } from 'vitest'
import { runDatabaseConformance } from './run-database-conformance'

const env = process.env.TCB_ENV_ID
const secretId = process.env.TCB_SECRET_ID
const secretKey = process.env.TCB_SECRET_KEY

if (env && secretId && secretKey) {
  runDatabaseConformance(
    `CloudBase ${env}`,
    async () => {
      const tcb = (await import('@cloudbase/node-sdk')).default
      const app = tcb.init({ env, secretId, secretKey })
      return { db: app.database() as never }
    },
    {
      timeoutMs: 60_000,
      skip: {
        // CloudBase runs transactions concurrently with optimistic conflicts; runTransaction retries only 3
        // times, so 50 simultaneous debits of one document are expected to fail there. Locally they serialise.
        'concurrent debit transactions on one account are all applied exactly once':
          'CloudBase resolves same-document transaction contention by conflicts; the local emulator serialises',
      },
    },
  )
} else {
  describe('database conformance: CloudBase', () => {
    it.skip('skipped: set TCB_ENV_ID, TCB_SECRET_ID and TCB_SECRET_KEY to run the suite against a real environment', () => {})
  })
  console.info('[conformance] CloudBase target skipped: TCB_ENV_ID / TCB_SECRET_ID / TCB_SECRET_KEY not set')
}
