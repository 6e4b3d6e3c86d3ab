import * as z from 'zod'
import { defineAction } from '../define'
import { fileIdSchema, idSchema, sha256Schema, workTypeSchema } from '../common'
import { photographyOptionsSchema } from './generation'

export const sceneCategorySchema = z.enum(['indoor', 'outdoor', 'studio', 'street'])

export const sceneSchema = z.object({
  _id: z.string(),
  name: z.string(),
  category: sceneCategorySchema,
  description: z.string(),
  thumbnail_url: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  sort_order: z.number().int(),
})
export type Scene = z.infer<typeof sceneSchema>

export const catalogActions = {
  'scene/getScenes': defineAction({
    url: 'scene/getScenes',
    access: 'public',
    summary: 'Active scenes in display order, optionally one category.',
    input: z.strictObject({ category: sceneCategorySchema.optional() }),
    output: z.object({ items: z.array(sceneSchema) }),
  }),
  'prompt/generatePrompt': defineAction({
    url: 'prompt/generatePrompt',
    access: 'user',
    summary: 'Renders the active prompt template for a type and scene.',
    input: z.strictObject({
      type: workTypeSchema,
      scene_id: idSchema,
      options: photographyOptionsSchema.default({}),
    }),
    output: z.object({ prompt: z.string(), negative_prompt: z.string(), template_version: z.number().int() }),
  }),
  'storage/resolveAsset': defineAction({
    url: 'storage/resolveAsset',
    access: 'user',
    summary: "Finds the caller's own already-uploaded file with this hash (never another user's).",
    input: z.strictObject({ hash: sha256Schema, size: z.number().int().positive().max(10 * 1024 * 1024) }),
    output: z.object({ file_id: z.string().nullable() }),
    rateLimitPerMinute: 120,
  }),
  'storage/registerAsset': defineAction({
    url: 'storage/registerAsset',
    access: 'user',
    summary: 'Records an uploaded file after checking it exists, is the caller\'s and has that hash.',
    input: z.strictObject({
      hash: sha256Schema,
      size: z.number().int().positive().max(10 * 1024 * 1024),
      file_id: fileIdSchema,
    }),
    output: z.object({ file_id: z.string(), deduplicated: z.boolean() }),
    rateLimitPerMinute: 60,
  }),
} as const
