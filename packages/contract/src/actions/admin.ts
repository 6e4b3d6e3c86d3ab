import * as z from 'zod'
import { defineAction } from '../define'
import {
  credits,
  cursorSchema,
  fen,
  fileIdSchema,
  idSchema,
  isoDate,
  modelAgeSchema,
  modelBodySchema,
  modelGenderSchema,
  modelPoseSchema,
  modelSkinToneSchema,
  modelSourceSchema,
  page,
  photographyModeSchema,
  providerCapabilitySchema,
  str,
  taskStatusSchema,
} from '../common'
import { modelViewSchema, photographyOptionsSchema, photographyRuleViolations, showcaseSchema } from './generation'
import { creditPackageSchema, orderStatusSchema } from './payment'
import { sceneCategorySchema, sceneSchema } from './catalog'
import { userProfileSchema } from './user'

const openidSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'invalid openid')

export const apiConfigViewSchema = z.object({
  _id: z.string(),
  provider: z.string(),
  api_name: z.string(),
  endpoint: z.string(),
  /** Header names only; values (keys) are write-only. */
  header_names: z.array(z.string()),
  default_params: z.record(z.string(), z.unknown()),
  priority: z.number().int(),
  weight: z.number().int(),
  is_active: z.boolean(),
  failures: z.number().int(),
  open_until: isoDate.nullable(),
  /** What the adapter built from this config can do (empty: unknown provider/api, or unreadable key). */
  capabilities: z.array(providerCapabilitySchema),
  poll_interval_ms: z.number().int().nullable(),
  /** What the config sets; unset fields use the provider's documented account limits (docs/deploy.md §4). */
  limits: z.object({ max_concurrent: z.number().int().nullable(), submits_per_second: z.number().int().nullable() }),
})

/**
 * A provider account's limits. A number caps it; null lifts the documented default (an account with a raised
 * quota); omitted keeps the documented default (DashScope aitryon 5 jobs / 10 per second, background
 * generation 1 job / 2 per second).
 */
export const providerLimitsSchema = z.strictObject({
  max_concurrent: z.number().int().min(1).max(1000).nullable().optional(),
  submits_per_second: z.number().int().min(1).max(1000).nullable().optional(),
})

export const adminModelViewSchema = modelViewSchema.extend({
  /** The full photo the try-on providers receive. */
  file_id: z.string(),
  thumbnail_file_id: z.string().nullable(),
  /** Licence or provenance text (e.g. stock licence number, shoot contract, "wanx text-to-image <date>"). */
  licence: z.string(),
  is_active: z.boolean(),
  sort_order: z.number().int(),
  /** The photo's image check ('seeded': the library's own drawing, not checked). Users see a model only once it passed. */
  photo_moderation: z.enum(['seeded', 'pending', 'unchecked', 'pass', 'review', 'risky']),
  created_at: isoDate,
  updated_at: isoDate,
})

const modelAttributes = {
  name: str(40, 1),
  gender: modelGenderSchema,
  age: modelAgeSchema,
  body: modelBodySchema,
  pose: modelPoseSchema,
  skin_tone: modelSkinToneSchema,
  /** The scene this model photo was shot in (null: studio / any scene). */
  scene_id: idSchema.nullable().default(null),
}

/** Where a showcase's example image came from; the image itself is always the showcase's own copy. */
export const showcaseCoverOriginSchema = z.object({ kind: z.enum(['upload', 'work']), ref: z.string() })

export const adminShowcaseViewSchema = showcaseSchema.extend({
  is_active: z.boolean(),
  /** The showcase's copy of the example image ('' for none). */
  cover_file_id: z.string(),
  /** null: a seeded cover (the library's own drawing, not checked). */
  cover_origin: showcaseCoverOriginSchema.nullable(),
  /**
   * The image check of the cover: users see the showcase only once it is `pass` (or `seeded`). unchecked: the
   * submission failed — save the showcase again to resubmit.
   */
  cover_moderation: z.enum(['seeded', 'pending', 'unchecked', 'pass', 'review', 'risky']),
  created_at: isoDate,
  updated_at: isoDate,
})

export const promptTemplateSchema = z.object({
  _id: z.string(),
  type: z.enum(['photography', 'fitting']),
  version: z.number().int(),
  template: z.string(),
  negative_prompt: z.string(),
  is_active: z.boolean(),
  created_at: isoDate,
})

const taskViewSchema = z.object({
  _id: z.string(),
  user_openid: z.string(),
  type: z.string(),
  status: taskStatusSchema,
  attempts: z.number().int(),
  provider_id: z.string().nullable(),
  error: z.string().nullable(),
  cost: credits,
  created_at: isoDate,
  updated_at: isoDate,
})

const orderViewSchema = z.object({
  _id: z.string(),
  user_openid: z.string(),
  out_trade_no: z.string(),
  package_id: z.string(),
  amount_fen: fen,
  credits,
  status: orderStatusSchema,
  transaction_id: z.string().nullable(),
  created_at: isoDate,
  paid_at: isoDate.nullable(),
})

const reason = str(200, 2)

export const adminActions = {
  'admin/auditCredits': defineAction({
    url: 'admin/auditCredits',
    access: 'admin',
    summary: 'Recomputes balances from the ledger and lists mismatches; resumable (a cloud call has ~60 s).',
    input: z.strictObject({
      /** Continue after this openid (the previous call's `next_after`). */
      after: openidSchema.optional(),
      /** Stop after this many users (default: as many as fit in ~40 s). */
      max_users: z.number().int().min(1).max(1_000_000).optional(),
    }),
    output: z.object({
      users_checked: z.number().int(),
      mismatches: z.array(z.object({ openid: z.string(), credits, ledger_sum: credits })),
      /** Where to continue, or null when every user has been checked. */
      next_after: z.string().nullable(),
    }),
  }),
  'admin/getUser': defineAction({
    url: 'admin/getUser',
    access: 'admin',
    summary: 'Looks a user up by openid or invite code.',
    input: z.strictObject({ openid: openidSchema.optional(), invite_code: str(12, 4).optional() }),
    output: userProfileSchema,
  }),
  'admin/adjustCredits': defineAction({
    url: 'admin/adjustCredits',
    access: 'admin',
    summary: 'Adds or removes credits with a reason (ledger kind admin_adjust).',
    input: z.strictObject({
      openid: openidSchema,
      delta: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'delta must not be 0'),
      reason,
      request_id: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
    }),
    output: z.object({ credits, entry_id: z.string() }),
  }),
  'admin/listOrders': defineAction({
    url: 'admin/listOrders',
    access: 'admin',
    summary: 'Orders, newest first, with filters.',
    input: z.strictObject({
      status: orderStatusSchema.optional(),
      openid: openidSchema.optional(),
      pageSize: z.number().int().min(1).max(100).default(20),
      cursor: cursorSchema.optional(),
    }),
    output: page(orderViewSchema),
  }),
  'admin/listTasks': defineAction({
    url: 'admin/listTasks',
    access: 'admin',
    summary: 'Tasks, newest first, with filters.',
    input: z.strictObject({
      status: taskStatusSchema.optional(),
      openid: openidSchema.optional(),
      pageSize: z.number().int().min(1).max(100).default(20),
      cursor: cursorSchema.optional(),
    }),
    output: page(taskViewSchema),
  }),
  'admin/requeueTask': defineAction({
    url: 'admin/requeueTask',
    access: 'admin',
    summary: 'Puts a stuck (processing, lease expired or failed-not-refunded) task back in the queue.',
    input: z.strictObject({ task_id: idSchema, reason }),
    output: z.object({ task_id: z.string(), status: taskStatusSchema }),
  }),
  'admin/refundTask': defineAction({
    url: 'admin/refundTask',
    access: 'admin',
    summary: 'Fails a stuck task and refunds it (once).',
    input: z.strictObject({ task_id: idSchema, reason }),
    output: z.object({ task_id: z.string(), status: taskStatusSchema, refunded: credits }),
  }),
  'admin/listScenes': defineAction({
    url: 'admin/listScenes',
    access: 'admin',
    summary: 'All scenes including inactive ones.',
    input: z.strictObject({}),
    output: z.object({ items: z.array(sceneSchema.extend({ is_active: z.boolean() })) }),
  }),
  'admin/upsertScene': defineAction({
    url: 'admin/upsertScene',
    access: 'admin',
    summary: 'Creates or edits a scene.',
    input: z.strictObject({
      _id: idSchema.optional(),
      name: str(40, 1),
      category: sceneCategorySchema,
      description: str(200).default(''),
      thumbnail_url: str(512).optional(),
      parameters: z.record(z.string().max(40), z.union([z.string().max(200), z.number(), z.boolean()])),
      sort_order: z.number().int().min(0).max(10_000).default(100),
      is_active: z.boolean().default(true),
    }),
    output: z.object({ _id: z.string(), created: z.boolean() }),
  }),
  'admin/listPromptTemplates': defineAction({
    url: 'admin/listPromptTemplates',
    access: 'admin',
    summary: 'All prompt template versions.',
    input: z.strictObject({ type: z.enum(['photography', 'fitting']).optional() }),
    output: z.object({ items: z.array(promptTemplateSchema) }),
  }),
  'admin/upsertPromptTemplate': defineAction({
    url: 'admin/upsertPromptTemplate',
    access: 'admin',
    summary: 'Adds a new version of a prompt template and makes it active.',
    input: z.strictObject({
      type: z.enum(['photography', 'fitting']),
      template: str(2000, 10),
      negative_prompt: str(1000).default(''),
    }),
    output: z.object({ _id: z.string(), version: z.number().int() }),
  }),
  'admin/listPackages': defineAction({
    url: 'admin/listPackages',
    access: 'admin',
    summary: 'All credit packages including inactive ones.',
    input: z.strictObject({}),
    output: z.object({ items: z.array(creditPackageSchema.extend({ is_active: z.boolean(), sort_order: z.number().int() })) }),
  }),
  'admin/upsertPackage': defineAction({
    url: 'admin/upsertPackage',
    access: 'admin',
    summary: 'Creates or edits a credit package.',
    input: z.strictObject({
      id: idSchema,
      name: str(40, 1),
      price_fen: z.number().int().min(1).max(10_000_000),
      base_credits: z.number().int().min(1).max(10_000_000),
      bonus_credits: z.number().int().min(0).max(10_000_000).default(0),
      tag: str(20).nullable().default(null),
      sort_order: z.number().int().min(0).max(10_000).default(100),
      is_active: z.boolean().default(true),
    }),
    output: z.object({ id: z.string(), created: z.boolean() }),
  }),
  'admin/listApiConfigs': defineAction({
    url: 'admin/listApiConfigs',
    access: 'admin',
    summary: 'Provider configs; header values are never returned.',
    input: z.strictObject({}),
    output: z.object({ items: z.array(apiConfigViewSchema) }),
  }),
  'admin/upsertApiConfig': defineAction({
    url: 'admin/upsertApiConfig',
    access: 'admin',
    summary: 'Creates or edits a provider config; header values (keys) are encrypted before storage.',
    input: z.strictObject({
      _id: idSchema.optional(),
      provider: z.enum(['local', 'dashscope', 'stability', 'fashn']),
      api_name: str(60, 1),
      endpoint: z.string().max(300).regex(/^(https?:\/\/|local:)/),
      /** Omit to keep the stored headers. */
      headers: z.record(z.string().max(60), z.string().max(2000)).optional(),
      default_params: z.record(z.string().max(60), z.unknown()).default({}),
      priority: z.number().int().min(0).max(100).default(1),
      weight: z.number().int().min(0).max(1000).default(10),
      is_active: z.boolean().default(true),
      /** How often the worker polls this provider's asynchronous jobs; omit to keep (default 1000). */
      poll_interval_ms: z.number().int().min(50).max(60_000).optional(),
      /** Omit to keep the stored limits. */
      limits: providerLimitsSchema.optional(),
    }),
    output: z.object({ _id: z.string(), created: z.boolean() }),
  }),
  'admin/listModels': defineAction({
    url: 'admin/listModels',
    access: 'admin',
    summary: 'The whole 模特库 including inactive models, in display order.',
    input: z.strictObject({}),
    output: z.object({ items: z.array(adminModelViewSchema) }),
  }),
  'admin/upsertModel': defineAction({
    url: 'admin/upsertModel',
    access: 'admin',
    summary: 'Adds or edits a library model; the photo is a file the admin uploaded to storage (registered asset).',
    input: z.strictObject({
      _id: idSchema.optional(),
      ...modelAttributes,
      file_id: fileIdSchema,
      /** Defaults to the photo itself. */
      thumbnail_file_id: fileIdSchema.optional(),
      source: modelSourceSchema.default('licensed'),
      licence: str(300, 2),
      sort_order: z.number().int().min(0).max(10_000).default(100),
      is_active: z.boolean().default(true),
    }),
    output: z.object({ _id: z.string(), created: z.boolean() }),
  }),
  'admin/setModelActive': defineAction({
    url: 'admin/setModelActive',
    access: 'admin',
    summary: 'Shows or hides a library model (hidden models are never picked, paid tasks keep theirs).',
    input: z.strictObject({ _id: idSchema, is_active: z.boolean() }),
    output: z.object({ _id: z.string(), is_active: z.boolean() }),
  }),
  'admin/reorderModels': defineAction({
    url: 'admin/reorderModels',
    access: 'admin',
    summary: 'Sets the display order: the given ids get sort_order 10, 20, 30…; others keep theirs.',
    input: z.strictObject({ ids: z.array(idSchema).min(1).max(200) }),
    output: z.object({ updated: z.number().int() }),
  }),
  'admin/generateModel': defineAction({
    url: 'admin/generateModel',
    access: 'admin',
    summary:
      'Creates a library model with a text-to-image provider: the first call submits and answers running with a job token; calling again with the token polls, and stores the photo as an inactive model (source generated) once done.',
    input: z.strictObject({
      ...modelAttributes,
      /** Appended to the prompt built from the attributes. */
      prompt_extra: str(300).default(''),
      /** The previous call's job_token (poll); omit to submit. */
      job_token: z.string().min(8).max(2000).regex(/^[A-Za-z0-9_.~-]+$/).optional(),
    }),
    output: z.object({
      status: z.enum(['running', 'created', 'failed']),
      job_token: z.string().nullable(),
      model_id: z.string().nullable(),
      error: z.string().nullable(),
    }),
  }),
  'admin/listShowcases': defineAction({
    url: 'admin/listShowcases',
    access: 'admin',
    summary: 'Every 画同款 showcase including inactive ones and those whose cover is still being checked, in display order.',
    input: z.strictObject({}),
    output: z.object({ items: z.array(adminShowcaseViewSchema) }),
  }),
  'admin/upsertShowcase': defineAction({
    url: 'admin/upsertShowcase',
    access: 'admin',
    summary:
      'Adds or edits a showcase. The scene and model must exist; the example image is copied (never referenced) from a file the admin uploaded or from any user\'s work, and submitted to the image check: users see the showcase once it passed.',
    input: z
      .strictObject({
        _id: idSchema.optional(),
        title: str(40, 1),
        mode: photographyModeSchema,
        scene_id: idSchema.nullable().default(null),
        model_id: idSchema.nullable().default(null),
        options: photographyOptionsSchema.default({}),
        /** A new example image: the admin's own registered upload, or image `index` of a work (any user's). Omit on edit to keep the current one. */
        cover: z
          .union([z.strictObject({ file_id: fileIdSchema }), z.strictObject({ work_id: idSchema, index: z.number().int().min(0).max(8).default(0) })])
          .optional(),
        sort_order: z.number().int().min(0).max(10_000).default(100),
        is_active: z.boolean().default(true),
      })
      .superRefine((v, ctx) => {
        if (v._id === undefined && v.cover === undefined) ctx.addIssue({ code: 'custom', path: ['cover'], message: '请上传示例图或填写作品编号' })
        // The same rules a 画同款 generation meets once the showcase is merged in (a preset that can't run is useless).
        const fields = { mode: v.mode, scene_id: v.scene_id ?? undefined, model_id: v.model_id ?? undefined, options: v.options }
        for (const issue of photographyRuleViolations(fields)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
      }),
    output: z.object({ _id: z.string(), created: z.boolean(), cover_moderation: adminShowcaseViewSchema.shape.cover_moderation }),
  }),
  'admin/setShowcaseActive': defineAction({
    url: 'admin/setShowcaseActive',
    access: 'admin',
    summary: 'Shows or hides a showcase (a hidden one can no longer be a 画同款 source).',
    input: z.strictObject({ _id: idSchema, is_active: z.boolean() }),
    output: z.object({ _id: z.string(), is_active: z.boolean() }),
  }),
  'admin/reorderShowcases': defineAction({
    url: 'admin/reorderShowcases',
    access: 'admin',
    summary: 'Sets the display order: the given ids get sort_order 10, 20, 30…; others keep theirs.',
    input: z.strictObject({ ids: z.array(idSchema).min(1).max(200) }),
    output: z.object({ updated: z.number().int() }),
  }),
  'admin/runCleanup': defineAction({
    url: 'admin/runCleanup',
    access: 'admin',
    summary: 'Runs the retention job now (also scheduled): deleted works\' files, stale unpaid orders.',
    input: z.strictObject({}),
    output: z.object({ files_removed: z.number().int(), orders_closed: z.number().int(), leases_reclaimed: z.number().int() }),
  }),
} as const
