/** Every admin/* action (admins only: the access rule comes from the contract). */
import { adjustCreditsProcedures } from './adjust-credits'
import { auditCreditsProcedures } from './audit-credits'
import { adminLookupProcedures } from './lookups'
import { adminTaskProcedures } from './stuck-tasks'
import { adminApiConfigProcedures } from './api-configs'
import { adminRetentionProcedures } from './retention'

export const adminProcedures = {
  ...adjustCreditsProcedures,
  ...auditCreditsProcedures,
  ...adminLookupProcedures,
  ...adminTaskProcedures,
  ...adminApiConfigProcedures,
  ...adminRetentionProcedures,
}

export { runRetention, type RetentionResult } from './retention'
