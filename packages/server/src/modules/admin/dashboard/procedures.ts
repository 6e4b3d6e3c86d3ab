import { defineProcedures } from '../../../procedure'
import { getDashboard } from './dashboard'

export const adminDashboardProcedures = defineProcedures({
  'admin/getDashboard': async ({ rt, input, now }) => getDashboard(rt, input.range, now),
})
