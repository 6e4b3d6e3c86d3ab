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
