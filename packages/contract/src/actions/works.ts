import * as z from 'zod'
import { defineAction } from '../define'
import { credits, cursorSchema, idSchema, isoDate, page, taskStatusSchema, workModeSchema, workTypeSchema } from '../common'

export const workTabSchema = z.enum(['all', 'photography', 'fitting', 'favorite'])

export const workSummarySchema = z.object({
  _id: z.string(),
  type: workTypeSchema,
  /** on_model / scene / packshot (photography), fitting, or upscale (an HD copy of another work's image). */
  mode: workModeSchema,
  status: taskStatusSchema,
  task_id: z.string(),
  scene_id: z.string().nullable(),
  is_favorite: z.boolean(),
  image_count: z.number().int(),
  /** Signed, expiring URL of the first image (null until completed). */
  cover_url: z.string().nullable(),
  cost: credits,
  created_at: isoDate,
})
export type WorkSummary = z.infer<typeof workSummarySchema>

export const workDetailSchema = workSummarySchema.extend({
  images: z.array(z.string()),
  /** Signed, expiring URLs, same order as `images`. */
  image_urls: z.array(z.string()),
  parameters: z.record(z.string(), z.unknown()),
  refunded: credits,
  error: z.string().nullable(),
  completed_at: isoDate.nullable(),
  /** upscale works: the work whose image was upscaled. */
  source_work_id: z.string().nullable(),
})
export type WorkDetail = z.infer<typeof workDetailSchema>

export const worksActions = {
  'api/listWorks': defineAction({
    url: 'api/listWorks',
    access: 'user',
    summary: "The caller's works, newest first, paged on (created_at, _id).",
    input: z.strictObject({
      tab: workTabSchema.default('all'),
      pageSize: z.number().int().min(1).max(50).default(12),
      cursor: cursorSchema.optional(),
    }),
    output: page(workSummarySchema),
  }),
  'api/getWorkDetail': defineAction({
    url: 'api/getWorkDetail',
    access: 'user',
    summary: 'One of the caller\'s works with signed image URLs.',
    input: z.strictObject({ work_id: idSchema }),
    output: workDetailSchema,
  }),
  'api/deleteWork': defineAction({
    url: 'api/deleteWork',
    access: 'user',
    summary: 'Deletes a work and its files; a running task is cancelled and refunded.',
    input: z.strictObject({ work_id: idSchema }),
    output: z.object({ deleted: z.literal(true), refunded: credits }),
  }),
  'api/toggleFavorite': defineAction({
    url: 'api/toggleFavorite',
    access: 'user',
    summary: 'Flips the favourite flag.',
    input: z.strictObject({ work_id: idSchema }),
    output: z.object({ is_favorite: z.boolean() }),
  }),
  'api/cancelTask': defineAction({
    url: 'api/cancelTask',
    access: 'user',
    summary: 'Cancels a pending or running task and refunds it exactly once.',
    input: z.strictObject({ task_id: idSchema }),
    output: z.object({ status: z.literal('cancelled'), refunded: credits }),
  }),
} as const
