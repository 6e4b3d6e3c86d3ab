import * as z from 'zod'
import { defineAction } from '../define'
import { aspectRatioSchema, credits, fileIdSchema, idSchema, requestIdSchema, str, taskStatusSchema } from '../common'

export const photographyOptionsSchema = z.strictObject({
  gender: z.enum(['female', 'male']).optional(),
  age: z.enum(['child', 'young', 'adult', 'senior']).optional(),
  aspect_ratio: aspectRatioSchema.optional(),
  pose: z.enum(['standing', 'walking', 'sitting', 'half_body']).optional(),
  /** Free text from the user, length-limited; it is inserted into the prompt as data, never as template. */
  extra: str(200).optional(),
})

export const generateOutputSchema = z.object({
  work_id: z.string(),
  task_id: z.string(),
  cost: credits,
  /** Balance after the charge. */
  credits,
  /** True when this request_id had already been accepted (nothing charged again). */
  replayed: z.boolean(),
})

export const progressSchema = z.object({
  task_id: z.string(),
  work_id: z.string(),
  status: taskStatusSchema,
  progress: z.number().int().min(0).max(100),
  stage: z.string(),
  /** Tasks ahead of this one (pending only). */
  queue_position: z.number().int().optional(),
  images: z.array(z.string()).optional(),
  error: z.string().optional(),
  refunded: credits.optional(),
})
export type Progress = z.infer<typeof progressSchema>

export const generationActions = {
  'photography/generate': defineAction({
    url: 'photography/generate',
    access: 'user',
    summary: 'Charges credits and queues a garment photography task.',
    input: z.strictObject({
      garment_images: z.array(fileIdSchema).min(1).max(4).optional(),
      scene_id: idSchema.optional(),
      count: z.number().int().min(1).max(4).default(1),
      options: photographyOptionsSchema.default({}),
      request_id: requestIdSchema.optional(),
      from_work_id: idSchema.optional(),
    }).refine((v) => v.from_work_id !== undefined || (v.garment_images !== undefined && v.scene_id !== undefined), {
      message: '请上传服装图片并选择场景',
    }),
    output: generateOutputSchema,
    rateLimitPerMinute: 20,
  }),
  'photography/getProgress': defineAction({
    url: 'photography/getProgress',
    access: 'user',
    summary: "Status of one of the caller's tasks (either type).",
    input: z.strictObject({ task_id: idSchema }),
    output: progressSchema,
    rateLimitPerMinute: 240,
  }),
  'photography/getPricing': defineAction({
    url: 'photography/getPricing',
    access: 'public',
    summary: 'Credits charged per generated image, so the client shows the cost before generating, and the subscribe-message templates it must ask for in the tap that generates.',
    input: z.strictObject({}),
    output: z.object({
      photography_per_image: credits,
      fitting_per_image: credits,
      // wx.requestSubscribeMessage takes at most 3 template ids per call.
      subscribe_template_ids: z.array(z.string().min(1).max(64)).max(3),
    }),
  }),
  'fitting/generate': defineAction({
    url: 'fitting/generate',
    access: 'user',
    summary: 'Charges credits and queues a virtual try-on task.',
    input: z.strictObject({
      person_image: fileIdSchema.optional(),
      garment_image: fileIdSchema.optional(),
      garment_type: z.enum(['top', 'bottom', 'dress', 'outerwear']).default('top'),
      request_id: requestIdSchema.optional(),
      from_work_id: idSchema.optional(),
    }).refine((v) => v.from_work_id !== undefined || (v.person_image !== undefined && v.garment_image !== undefined), {
      message: '请上传人物照片和服装图片',
    }),
    output: generateOutputSchema,
    rateLimitPerMinute: 20,
  }),
} as const
