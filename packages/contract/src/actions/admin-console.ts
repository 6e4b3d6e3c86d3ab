/**
 * The operators' console (package-admin in the mini-program): the read views and one-shot tools it needs beyond
 * the original admin/* actions in admin.ts. Every action is `access: 'admin'`, so an ordinary user is refused
 * with FORBIDDEN before input validation.
 */
import * as z from 'zod'
import { defineAction } from '../define'
import { credits, cursorSchema, fen, idSchema, isoDate, page, str, taskStatusSchema, workTypeSchema } from '../common'
import { orderStatusSchema } from './payment'
import { userProfileSchema } from './user'

const openidSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'invalid openid')
const reason = str(200, 2)

export const dashboardRangeSchema = z.enum(['today', '7d', '30d'])
export type DashboardRange = z.infer<typeof dashboardRangeSchema>

/** One point of every chart: an hour of today, or a day (Asia/Shanghai) of the 7/30-day ranges. */
export const statsPointSchema = z.object({
  label: z.string(),
  generations: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  revenue_fen: fen,
  credits_issued: credits,
  credits_consumed: credits,
  new_users: z.number().int(),
  checkins: z.number().int(),
})
export type StatsPoint = z.infer<typeof statsPointSchema>

export const dashboardSchema = z.object({
  range: dashboardRangeSchema,
  /** Asia/Shanghai days covered, oldest first. */
  days: z.array(z.string()),
  series: z.array(statsPointSchema),
  totals: statsPointSchema.omit({ label: true }),
  /** Generations by mode (task type) and final status. */
  by_mode: z.array(z.object({ mode: z.string(), status: taskStatusSchema, count: z.number().int() })),
  /** completed / (completed + failed); null when nothing finished. */
  success_rate: z.number().nullable(),
  /** Generation time of completed tasks (creation → finish), from a bucketed histogram (bucket upper bounds). */
  p50_ms: z.number().int().nullable(),
  p95_ms: z.number().int().nullable(),
  provider_failures: z.array(z.object({ provider_id: z.string(), failed_tasks: z.number().int() })),
  providers: z.array(
    z.object({ _id: z.string(), api_name: z.string(), is_active: z.boolean(), failures: z.number().int(), circuit: z.enum(['closed', 'open']), open_until: isoDate.nullable() }),
  ),
  /** When the newest rolled-up day was computed. */
  computed_at: isoDate,
})
export type Dashboard = z.infer<typeof dashboardSchema>

export const adminTaskDetailSchema = z.object({
  _id: z.string(),
  user_openid: z.string(),
  type: z.string(),
  status: taskStatusSchema,
  stuck: z.boolean(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  progress: z.number(),
  provider_id: z.string().nullable(),
  provider_task_id: z.string().nullable(),
  error: z.string().nullable(),
  cost: credits,
  refunded: credits,
  count: z.number().int(),
  scene_id: z.string().nullable(),
  work_id: z.string(),
  images: z.number().int(),
  created_at: isoDate,
  updated_at: isoDate,
  next_attempt_at: isoDate.nullable(),
  lease_until: isoDate.nullable(),
  submitted_at: isoDate.nullable(),
  finished_at: isoDate.nullable(),
  /** Steps of a multi-step job as the worker persisted them (kind; pending, running, done or failed), in order. */
  steps: z.array(z.object({ name: z.string(), status: z.string(), at: isoDate.nullable() })),
  /** The charge and refund entries of this task. */
  ledger: z.array(z.object({ _id: z.string(), kind: z.string(), delta: credits, created_at: isoDate })),
  /** Admin actions taken on this task. */
  audit: z.array(z.object({ action: z.string(), actor: z.string(), created_at: isoDate })),
})

const ledgerRowSchema = z.object({ _id: z.string(), kind: z.string(), delta: credits, balance_after: credits, reason: z.string().nullable(), created_at: isoDate })
const userWorkSchema = z.object({ _id: z.string(), type: z.string(), status: taskStatusSchema, cost: credits, refunded: credits, images: z.number().int(), created_at: isoDate })
const userOrderSchema = z.object({ out_trade_no: z.string(), amount_fen: fen, credits, status: orderStatusSchema, created_at: isoDate })

export const auditEntrySchema = z.object({
  _id: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  summary: z.string(),
  created_at: isoDate,
})

export const adminConsoleActions = {
  'admin/getDashboard': defineAction({
    url: 'admin/getDashboard',
    access: 'admin',
    summary: 'Business figures for today / 7 / 30 days, read from the daily roll-ups (stats_daily), never a full scan.',
    input: z.strictObject({ range: dashboardRangeSchema.default('7d') }),
    output: dashboardSchema,
  }),
  'admin/searchTasks': defineAction({
    url: 'admin/searchTasks',
    access: 'admin',
    summary: 'Tasks newest first with filters; `stuck` = active past its lease or retry time, `failed` includes active tasks whose last attempt failed.',
    input: z.strictObject({
      filter: z.enum(['stuck', 'failed', 'active', 'completed', 'cancelled', 'all']).default('all'),
      type: workTypeSchema.optional(),
      provider_id: idSchema.optional(),
      openid: openidSchema.optional(),
      pageSize: z.number().int().min(1).max(50).default(20),
      cursor: cursorSchema.optional(),
    }),
    output: page(
      z.object({
        _id: z.string(),
        user_openid: z.string(),
        type: z.string(),
        status: taskStatusSchema,
        stuck: z.boolean(),
        attempts: z.number().int(),
        provider_id: z.string().nullable(),
        error: z.string().nullable(),
        cost: credits,
        refunded: credits,
        created_at: isoDate,
      }),
    ),
  }),
  'admin/getTask': defineAction({
    url: 'admin/getTask',
    access: 'admin',
    summary: 'One task with attempts, provider task id, steps, its ledger entries and the admin actions on it.',
    input: z.strictObject({ task_id: idSchema }),
    output: adminTaskDetailSchema,
  }),
  'admin/lookupUser': defineAction({
    url: 'admin/lookupUser',
    access: 'admin',
    summary: 'A user by openid or invite code with the latest ledger entries, works and orders.',
    input: z.strictObject({ openid: openidSchema.optional(), invite_code: str(12, 4).optional() }),
    output: z.object({ user: userProfileSchema, ledger: z.array(ledgerRowSchema), works: z.array(userWorkSchema), orders: z.array(userOrderSchema) }),
  }),
  'admin/queryOrder': defineAction({
    url: 'admin/queryOrder',
    access: 'admin',
    summary: 'Asks the payment provider about one order and reconciles it through the exactly-once settle path.',
    input: z.strictObject({ out_trade_no: z.string().min(6).max(32).regex(/^[0-9A-Za-z_-]+$/) }),
    output: z.object({
      out_trade_no: z.string(),
      provider_state: z.string(),
      status_before: orderStatusSchema,
      status_after: orderStatusSchema,
      credited: z.boolean(),
    }),
  }),
  'admin/closeExpiredOrders': defineAction({
    url: 'admin/closeExpiredOrders',
    access: 'admin',
    summary: 'Closes unpaid orders past their expiry now (at the provider first); one that was paid meanwhile is credited.',
    input: z.strictObject({}),
    output: z.object({ checked: z.number().int(), closed: z.number().int(), credited: z.number().int() }),
  }),
  'admin/previewPrompt': defineAction({
    url: 'admin/previewPrompt',
    access: 'admin',
    summary: 'Renders a template (the given text, or the active one) for a scene and sample options, without saving.',
    input: z.strictObject({
      type: workTypeSchema,
      template: str(2000, 10).optional(),
      negative_prompt: str(1000).optional(),
      scene_id: idSchema.optional(),
      options: z
        .strictObject({ gender: str(20).optional(), age: str(20).optional(), pose: str(20).optional(), aspect_ratio: str(8).optional(), garment_type: str(20).optional(), extra: str(200).optional() })
        .default({}),
    }),
    output: z.object({ prompt: z.string(), negative_prompt: z.string(), unknown_placeholders: z.array(z.string()) }),
  }),
  'admin/testApiConfig': defineAction({
    url: 'admin/testApiConfig',
    access: 'admin',
    summary: 'Runs one tiny job (one image, a small built-in garment) on a provider config; nobody is charged, nothing is kept.',
    input: z.strictObject({ _id: idSchema }),
    output: z.object({
      ok: z.boolean(),
      /** submitted | running (still running when the budget ended) | succeeded | failed | unavailable */
      outcome: z.enum(['succeeded', 'running', 'failed', 'unavailable']),
      provider_task_id: z.string().nullable(),
      images: z.number().int(),
      ms: z.number().int(),
      message: z.string(),
    }),
    rateLimitPerMinute: 10,
  }),
  'admin/listAuditLog': defineAction({
    url: 'admin/listAuditLog',
    access: 'admin',
    summary: 'Admin actions (who did what, when), newest first.',
    input: z.strictObject({ pageSize: z.number().int().min(1).max(50).default(20), cursor: cursorSchema.optional() }),
    output: page(auditEntrySchema),
  }),
  'admin/setSceneOrder': defineAction({
    url: 'admin/setSceneOrder',
    access: 'admin',
    summary: 'Reorders scenes: the given ids get sort_order 10, 20, 30… in that order (audited).',
    input: z.strictObject({ ids: z.array(idSchema).min(1).max(200), reason: reason.optional() }),
    output: z.object({ updated: z.number().int() }),
  }),
} as const
