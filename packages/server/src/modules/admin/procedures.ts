/** Every admin/* action (admins only: the access rule comes from the contract). */
import { adjustCreditsProcedures } from './adjust-credits'
import { auditCreditsProcedures } from './audit-credits'
import { adminLookupProcedures } from './lookups'
import { adminTaskProcedures } from './stuck-tasks'
import { adminApiConfigProcedures } from './api-configs'
import { adminRetentionProcedures } from './retention'
import { adminDashboardProcedures } from './dashboard/procedures'
import { adminTaskViewProcedures } from './task-views'
import { adminUserDetailProcedures } from './user-detail'
import { adminOrderProcedures } from './orders'
import { adminPromptPreviewProcedures } from './prompt-preview'
import { adminProviderTestProcedures } from './provider-test'
import { adminAuditLogProcedures } from './audit-log'
import { adminSceneOrderProcedures } from './scene-order'

export const adminProcedures = {
  ...adjustCreditsProcedures,
  ...auditCreditsProcedures,
  ...adminLookupProcedures,
  ...adminTaskProcedures,
  ...adminApiConfigProcedures,
  ...adminRetentionProcedures,
  ...adminDashboardProcedures,
  ...adminTaskViewProcedures,
  ...adminUserDetailProcedures,
  ...adminOrderProcedures,
  ...adminPromptPreviewProcedures,
  ...adminProviderTestProcedures,
  ...adminAuditLogProcedures,
  ...adminSceneOrderProcedures,
}

export { runRetention, type RetentionResult } from './retention'
export { rollupRecent } from './dashboard/rollup'
