import { describe, expect, it } from 'vitest'
import { runChaos } from './scenario'
import { SHORT_RUN } from './plans'

// A small seeded run of the full scenario (the full one is `pnpm chaos`): real gateway, injected faults, kills,
// notification storms, then recovery and the audit. Cheap on purpose: it runs inside `npm test`.
describe('chaos (short run)', () => {
  it('money and tasks survive injected faults: 0 violations after recovery', async () => {
    const report = await runChaos(SHORT_RUN)
    expect(report.violations).toEqual([])
    // The run must really have been hostile and really have exercised the product.
    expect(report.faults.db_ambiguous).toBeGreaterThan(0)
    expect(report.faults.db_error).toBeGreaterThan(0)
    expect(report.faults.kill).toBeGreaterThan(0)
    expect(report.user.generateAccepted).toBeGreaterThan(10)
    // Outputs are held until their image verdict arrives by push: a run where no verdict is delivered refunds
    // every task at the moderation deadline and still balances, so completions are asserted too.
    expect(report.audit.tasks.completed ?? 0).toBeGreaterThan(report.audit.tasks.failed ?? 0)
    expect(report.user.ordersPaidAtProvider).toBeGreaterThan(0)
    expect(report.audit.paidOrdersCredited).toBe(report.audit.orders.paid ?? 0)
    expect(report.audit.auditCreditsMismatches).toBe(0)
  }, 120_000)
})
