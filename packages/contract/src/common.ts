/** Building blocks shared by many actions. Inputs are strict: unknown keys and wrong types are rejected. */
import * as z from 'zod'

/** A bounded, trimmed-free string: objects such as `{ "$ne": null }` fail because only strings pass. */
export const str = (max: number, min = 0) => z.string().min(min).max(max)

/** Opaque document id (CloudBase `_id`s, task ids). */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'invalid id')

/** A storage file id: `cloud://...` in CloudBase, `local://...` on the local cloud. */
export const fileIdSchema = z
  .string()
  .min(10)
  .max(512)
  .regex(/^(cloud|local):\/\/[^\s]+$/, 'invalid file id')

/** Opaque pagination cursor produced by the server. */
export const cursorSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, 'invalid cursor')

/** Client-chosen idempotency key for a generation request. */
export const requestIdSchema = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'invalid request id')

export const sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, 'expected lowercase hex sha256')

/** Timestamps travel as ISO-8601 strings (cloud function results are JSON). */
export const isoDate = z.string()

export const credits = z.number().int()
export const fen = z.number().int().nonnegative()

export const emptyInput = z.strictObject({})

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() })
}

export const aspectRatioSchema = z.enum(['1:1', '3:4', '4:3', '9:16', '16:9'])
export const workTypeSchema = z.enum(['photography', 'fitting'])
export const taskStatusSchema = z.enum(['pending', 'processing', 'completed', 'failed', 'cancelled'])

/**
 * 服装摄影's output modes: 模特图 (the garment worn by a model), 场景图 (the product in a scene),
 * 白底图 (a white-background packshot at listing sizes).
 */
export const photographyModeSchema = z.enum(['on_model', 'scene', 'packshot'])
export type PhotographyMode = z.infer<typeof photographyModeSchema>
/** What a work is: a photography mode, a try-on (fitting works) or an HD upscale of an earlier image. */
export const workModeSchema = z.enum(['on_model', 'scene', 'packshot', 'fitting', 'upscale'])
export type WorkMode = z.infer<typeof workModeSchema>
export const garmentTypeSchema = z.enum(['top', 'bottom', 'dress', 'outerwear'])
export type GarmentType = z.infer<typeof garmentTypeSchema>

// Model library attributes (also the filters of 随机).
export const modelGenderSchema = z.enum(['female', 'male'])
export const modelAgeSchema = z.enum(['child', 'young', 'adult', 'senior'])
export const modelBodySchema = z.enum(['slim', 'regular', 'curvy', 'plus'])
export const modelPoseSchema = z.enum(['standing', 'walking', 'sitting', 'half_body'])
export const modelSkinToneSchema = z.enum(['light', 'medium', 'tan', 'deep'])
/** Where a library photo comes from: drawn by the local compositor (a stand-in), licensed stock/shoot, or text-to-image. */
export const modelSourceSchema = z.enum(['drawn', 'licensed', 'generated'])

/** The provider steps a task may run, in order (a step's output file ids are persisted before the next starts). */
export const taskStepKindSchema = z.enum(['cutout', 'tryon', 'scene', 'packshot', 'upscale'])
export type TaskStepKind = z.infer<typeof taskStepKindSchema>
/** What a provider can do; a step picks providers by capability, then priority/weight/health. */
export const providerCapabilitySchema = z.enum(['tryon', 'background', 'cutout', 'packshot', 'upscale', 'text_to_image'])
export type ProviderCapability = z.infer<typeof providerCapabilitySchema>
