import * as z from 'zod'
import { defineAction } from '../define'
import {
  aspectRatioSchema,
  credits,
  fileIdSchema,
  garmentTypeSchema,
  idSchema,
  modelAgeSchema,
  modelBodySchema,
  modelGenderSchema,
  modelPoseSchema,
  modelSkinToneSchema,
  modelSourceSchema,
  photographyModeSchema,
  requestIdSchema,
  str,
  taskStatusSchema,
  taskStepKindSchema,
} from '../common'

export const photographyOptionsSchema = z.strictObject({
  gender: modelGenderSchema.optional(),
  age: modelAgeSchema.optional(),
  aspect_ratio: aspectRatioSchema.optional(),
  pose: modelPoseSchema.optional(),
  /** 随机 (on_model without model_id) matches these too. */
  body: modelBodySchema.optional(),
  skin_tone: modelSkinToneSchema.optional(),
  /** packshot: a soft ground shadow under the product (default true). */
  shadow: z.boolean().optional(),
  /** 高清: an upscale step after the last step, charged `upscale_per_image` per image on top. */
  hd: z.boolean().optional(),
  /** Free text from the user, length-limited; it is inserted into the prompt as data, never as template. */
  extra: str(200).optional(),
})
export type PhotographyOptions = z.infer<typeof photographyOptionsSchema>

/** Packshots come at listing sizes only: 800×800 (1:1) or 750×1000 (3:4). */
export const PACKSHOT_ASPECTS = ['1:1', '3:4'] as const

/** What one work is made of (shared by generate, each batch item and 画同款 presets). */
const photographyFields = {
  /** Default 'scene' (the seed's behaviour: the product in a scene), or the 画同款 source's mode. */
  mode: photographyModeSchema.optional(),
  /** on_model: what the first garment image is (default top); try-on providers need it. */
  garment_type: garmentTypeSchema.optional(),
  /** on_model with a top: the bottom of a top + bottom pair. */
  bottom_garment_image: fileIdSchema.optional(),
  /** on_model: a library model (photography/listModels); neither this nor model_image = 随机 among matching ones. */
  model_id: idSchema.optional(),
  /** on_model: the seller's own uploaded (registered) model photo instead of a library model. */
  model_image: fileIdSchema.optional(),
  /**
   * Required for scene; optional for on_model (a scene step after the try-on); ignored by packshot. `null` says
   * "no scene" (不换场景) explicitly, so a 画同款 source's scene is not inherited; absent keeps the source's scene
   * (or none without a source), as before `null` existed.
   */
  scene_id: idSchema.nullable().optional(),
  count: z.number().int().min(1).max(4).default(1),
  options: photographyOptionsSchema.default({}),
}

export interface PhotographyFields {
  mode?: z.infer<typeof photographyModeSchema> | undefined
  garment_type?: string | undefined
  bottom_garment_image?: string | undefined
  model_id?: string | undefined
  model_image?: string | undefined
  scene_id?: string | null | undefined
  options?: { aspect_ratio?: string | undefined; hd?: boolean | undefined } | undefined
  count?: number | undefined
}

/**
 * The cross-field rules of a photography request once its mode is known (the server checks them again after
 * merging a 画同款 source). Messages are shown to users.
 */
export function photographyRuleViolations(v: PhotographyFields & { mode: z.infer<typeof photographyModeSchema> }): Array<{ path: string[]; message: string }> {
  const out: Array<{ path: string[]; message: string }> = []
  if (v.model_id !== undefined && v.model_image !== undefined) out.push({ path: ['model_image'], message: '请选择模特库模特或上传自己的模特照片，二选一' })
  if (v.mode !== 'on_model' && (v.model_id !== undefined || v.model_image !== undefined || v.bottom_garment_image !== undefined)) {
    out.push({ path: ['mode'], message: '只有模特图可以选择模特或搭配下装' })
  }
  if (v.bottom_garment_image !== undefined && v.garment_type !== undefined && v.garment_type !== 'top') {
    out.push({ path: ['bottom_garment_image'], message: '上下装搭配时第一件须为上装' })
  }
  if (v.mode === 'scene' && (v.scene_id === undefined || v.scene_id === null)) out.push({ path: ['scene_id'], message: '请选择场景' })
  if (v.mode === 'packshot') {
    const aspect = v.options?.aspect_ratio
    if (aspect !== undefined && !(PACKSHOT_ASPECTS as readonly string[]).includes(aspect)) out.push({ path: ['options', 'aspect_ratio'], message: '白底图仅支持 1:1（800×800）或 3:4（750×1000）' })
    if (v.options?.hd) out.push({ path: ['options', 'hd'], message: '白底图为固定尺寸，无需高清放大' })
    // The compositor renders one packshot per garment photo: more would charge for identical copies.
    if (v.count !== undefined && v.count > 1) out.push({ path: ['count'], message: '白底图每件服装生成一张，无需多张' })
  }
  return out
}

/** Without a 画同款 source the mode defaults to scene; with one, the source's mode applies and the server checks. */
function checkModeFields(v: PhotographyFields, hasSource: boolean, ctx: z.RefinementCtx, at: (string | number)[] = []) {
  const mode = v.mode ?? (hasSource ? undefined : 'scene')
  if (!mode) return
  for (const issue of photographyRuleViolations({ ...v, mode })) ctx.addIssue({ code: 'custom', path: [...at, ...issue.path], message: issue.message })
}

export const generateOutputSchema = z.object({
  work_id: z.string(),
  task_id: z.string(),
  cost: credits,
  /** Balance after the charge. */
  credits,
  /** True when this request_id had already been accepted (nothing charged again). */
  replayed: z.boolean(),
})

export const taskStepViewSchema = z.object({
  /** 1-based position of the running step. */
  index: z.number().int().min(1),
  total: z.number().int().min(1),
  kind: taskStepKindSchema,
  /** e.g. "模特换装中 1/2", "生成场景 2/2". */
  label: z.string(),
})

export const progressSchema = z.object({
  task_id: z.string(),
  work_id: z.string(),
  status: taskStatusSchema,
  /** Never goes backwards for one task (a retry or the next step keeps the highest value reached). */
  progress: z.number().int().min(0).max(100),
  stage: z.string(),
  /** The step being worked on (multi-step tasks; absent while queued and once finished). */
  step: taskStepViewSchema.optional(),
  /** Tasks ahead of this one (pending only). */
  queue_position: z.number().int().optional(),
  images: z.array(z.string()).optional(),
  error: z.string().optional(),
  refunded: credits.optional(),
})
export type Progress = z.infer<typeof progressSchema>

/** A model of the library as users see it (thumbnail only; the full photo stays in storage for the providers). */
export const modelViewSchema = z.object({
  _id: z.string(),
  name: z.string(),
  gender: modelGenderSchema,
  age: modelAgeSchema,
  body: modelBodySchema,
  pose: modelPoseSchema,
  skin_tone: modelSkinToneSchema,
  scene_id: z.string().nullable(),
  source: modelSourceSchema,
  /** Signed, expiring URL of the thumbnail. */
  thumbnail_url: z.string(),
})
export type ModelView = z.infer<typeof modelViewSchema>

export const modelFilterSchema = z.strictObject({
  gender: modelGenderSchema.optional(),
  age: modelAgeSchema.optional(),
  body: modelBodySchema.optional(),
  pose: modelPoseSchema.optional(),
  skin_tone: modelSkinToneSchema.optional(),
  scene_id: idSchema.optional(),
})

/** What 画同款 fills in: everything of a work except the seller's garment. */
export const presetSchema = z.object({
  mode: photographyModeSchema,
  scene_id: z.string().nullable(),
  model_id: z.string().nullable(),
  garment_type: garmentTypeSchema.nullable(),
  count: z.number().int(),
  options: photographyOptionsSchema,
  /** Own works only: the garment images used (the caller's own files). */
  garment_images: z.array(z.string()),
  /** Own on_model works only: the bottom of a top + bottom pair (the caller's own file), else null. */
  bottom_garment_image: z.string().nullable(),
})
export type Preset = z.infer<typeof presetSchema>

export const showcaseSchema = z.object({
  _id: z.string(),
  title: z.string(),
  mode: photographyModeSchema,
  scene_id: z.string().nullable(),
  model_id: z.string().nullable(),
  options: photographyOptionsSchema,
  /** Signed, expiring URL of the example image ('' until rendered). */
  cover_url: z.string(),
  sort_order: z.number().int(),
})
export type Showcase = z.infer<typeof showcaseSchema>

export const pricingSchema = z.object({
  /** Seed field: the scene mode's price (kept for old clients). */
  photography_per_image: credits,
  fitting_per_image: credits,
  /** Price per image of each 服装摄影 mode. */
  modes: z.object({ on_model: credits, scene: credits, packshot: credits }),
  /** 高清放大 per image (photography/upscale, or options.hd on top of a mode's price). */
  upscale_per_image: credits,
  /** Garments per generateBatch call. */
  batch_max_items: z.number().int(),
  // wx.requestSubscribeMessage takes at most 3 template ids per call.
  subscribe_template_ids: z.array(z.string().min(1).max(64)).max(3),
})
export type Pricing = z.infer<typeof pricingSchema>

export const BATCH_MAX_ITEMS = 9

export const batchItemSchema = z.strictObject({
  garment_images: z.array(fileIdSchema).min(1).max(4),
  garment_type: garmentTypeSchema.optional(),
  bottom_garment_image: fileIdSchema.optional(),
})

export const generationActions = {
  'photography/generate': defineAction({
    url: 'photography/generate',
    access: 'user',
    summary: 'Charges credits and queues a garment photography task (mode on_model, scene or packshot).',
    input: z
      .strictObject({
        garment_images: z.array(fileIdSchema).min(1).max(4).optional(),
        ...photographyFields,
        request_id: requestIdSchema.optional(),
        /** 再来一张 / 画同款 from one of the caller's works: its inputs and options, overridden by what is given here. */
        from_work_id: idSchema.optional(),
        /** 画同款 from a showcase: its mode, scene, model and options (given fields override); garments are the caller's. */
        from_showcase_id: idSchema.optional(),
      })
      .superRefine((v, ctx) => {
        if (v.from_work_id !== undefined && v.from_showcase_id !== undefined) ctx.addIssue({ code: 'custom', path: ['from_showcase_id'], message: '请只选择一个同款来源' })
        if (v.from_work_id === undefined && v.garment_images === undefined) ctx.addIssue({ code: 'custom', path: ['garment_images'], message: '请上传服装图片并选择场景' })
        checkModeFields(v, v.from_work_id !== undefined || v.from_showcase_id !== undefined, ctx)
      }),
    output: generateOutputSchema,
    rateLimitPerMinute: 20,
  }),
  'photography/generateBatch': defineAction({
    url: 'photography/generateBatch',
    access: 'user',
    summary: 'Up to 9 garments in one request: one work (task, charge entry, refund) per garment, priced up front.',
    input: z
      .strictObject({
        items: z.array(batchItemSchema).min(1).max(BATCH_MAX_ITEMS),
        ...photographyFields,
        request_id: requestIdSchema.optional(),
        from_showcase_id: idSchema.optional(),
      })
      .superRefine((v, ctx) => {
        const hasSource = v.from_showcase_id !== undefined
        checkModeFields(v, hasSource, ctx)
        // Item-level rules only (the shared fields were checked once above).
        v.items.forEach((item, i) => checkModeFields({ ...v, ...item, model_id: undefined, model_image: undefined, scene_id: 'x', options: {}, count: undefined }, hasSource, ctx, ['items', i]))
      }),
    output: z.object({
      works: z.array(z.object({ work_id: z.string(), task_id: z.string(), cost: credits })),
      /** Total charged (sum of the works' costs). */
      cost: credits,
      credits,
      replayed: z.boolean(),
    }),
    rateLimitPerMinute: 10,
  }),
  'photography/upscale': defineAction({
    url: 'photography/upscale',
    access: 'user',
    summary: '高清放大 one image of a completed own work: a paid post-process that creates a new work (mode upscale).',
    input: z.strictObject({
      work_id: idSchema,
      image_index: z.number().int().min(0).max(7).default(0),
      /** Output scale (long side ×2 or ×4, capped by the provider's limit). */
      scale: z.union([z.literal(2), z.literal(4)]).default(2),
      request_id: requestIdSchema.optional(),
    }),
    output: generateOutputSchema,
    rateLimitPerMinute: 20,
  }),
  'photography/listModels': defineAction({
    url: 'photography/listModels',
    access: 'public',
    summary: 'Active models of the 模特库 in display order, optionally filtered (thumbnails only).',
    input: modelFilterSchema,
    output: z.object({ items: z.array(modelViewSchema) }),
  }),
  'photography/listShowcases': defineAction({
    url: 'photography/listShowcases',
    access: 'public',
    summary: 'Showcase presets (mode + scene + model + options) for 画同款, in display order.',
    input: z.strictObject({ mode: photographyModeSchema.optional() }),
    output: z.object({ items: z.array(showcaseSchema) }),
  }),
  'photography/getPreset': defineAction({
    url: 'photography/getPreset',
    access: 'user',
    summary: '画同款: the parameters of a showcase or of one of the caller\'s own photography works, to prefill the page.',
    input: z
      .strictObject({ from_showcase_id: idSchema.optional(), from_work_id: idSchema.optional() })
      .refine((v) => (v.from_showcase_id === undefined) !== (v.from_work_id === undefined), { message: '请选择一个同款来源' }),
    output: presetSchema,
  }),
  'photography/getProgress': defineAction({
    url: 'photography/getProgress',
    access: 'user',
    summary: "Status of one of the caller's tasks (either type), with the running step.",
    input: z.strictObject({ task_id: idSchema }),
    output: progressSchema,
    rateLimitPerMinute: 240,
  }),
  'photography/getPricing': defineAction({
    url: 'photography/getPricing',
    access: 'public',
    summary: 'Credits charged per generated image and mode, so the client shows the cost before generating, and the subscribe-message templates it must ask for in the tap that generates.',
    input: z.strictObject({}),
    output: pricingSchema,
  }),
  'fitting/generate': defineAction({
    url: 'fitting/generate',
    access: 'user',
    summary: 'Charges credits and queues a virtual try-on task.',
    input: z.strictObject({
      person_image: fileIdSchema.optional(),
      garment_image: fileIdSchema.optional(),
      garment_type: garmentTypeSchema.default('top'),
      request_id: requestIdSchema.optional(),
      from_work_id: idSchema.optional(),
    }).refine((v) => v.from_work_id !== undefined || (v.person_image !== undefined && v.garment_image !== undefined), {
      message: '请上传人物照片和服装图片',
    }),
    output: generateOutputSchema,
    rateLimitPerMinute: 20,
  }),
} as const
