/**
 * What DashScope accepts as input, and getting each input there before a job is submitted: an input that
 * already meets the documented limits goes by its original URL; anything else is normalised
 * (normalize/normalize-image.ts) and staged (GenerationJob.stage) so the provider downloads an acceptable copy.
 */
import type { GenerationJob } from '@aiphoto/runtime'
import { InputRejectedError, normalizeImage, type ImageSpec } from '../normalize/normalize-image'

const MB = 1024 * 1024

/**
 * AI try-on person and garment images: "5KB≤图像文件≤5M", "150≤图像边长≤4096", jpg/png/jpeg/bmp/heic
 * (https://help.aliyun.com/zh/model-studio/developer-reference/aitryon-plus-api; the basic edition
 * https://help.aliyun.com/document_detail/2796626.html states the same). We send JPEG or PNG only.
 */
export const TRYON_INPUT_SPEC: ImageSpec = { minBytes: 5 * 1024, maxBytes: 5 * MB, minSide: 150, maxSide: 4096, formats: ['jpeg', 'png'] }

/** Garment parsing input: "5KB<图像文件<5M", "150<图片边长<4096" — strict bounds (aitryon-parsing API reference). */
export const PARSING_INPUT_SPEC: ImageSpec = { minBytes: 5 * 1024 + 1, maxBytes: 5 * MB - 1, minSide: 151, maxSide: 4095, formats: ['jpeg', 'png'] }

/** Background generation base image: "图像格式为png，图像长边不超过2048像素" (wanx-background-generation API reference). */
export const BACKGROUND_MAX_SIDE = 2048

/**
 * ref_prompt: "英文最多支持150个单词，中文大概是100-120个中文字符，超过部分会被自动忽略" (same reference): the model
 * silently drops the tail, so we cut it ourselves at a clause boundary and keep the beginning, which our
 * templates write first (the scene).
 */
export function fitPrompt(text: string, maxChars = 100, maxWords = 150): string {
  const t = text.trim()
  if (/[\u3400-\u9fff\uf900-\ufaff]/.test(t)) {
    const chars = [...t]
    if (chars.length <= maxChars) return t
    const head = chars.slice(0, maxChars).join('')
    const cut = Math.max(head.lastIndexOf('，'), head.lastIndexOf('。'), head.lastIndexOf(','), head.lastIndexOf('；'))
    return (cut >= maxChars / 2 ? head.slice(0, cut) : head).trim()
  }
  const words = t.split(/\s+/).filter(Boolean)
  return words.length <= maxWords ? t : words.slice(0, maxWords).join(' ')
}

/**
 * The URL to hand the provider for one input: the original when it meets `spec`, else a normalised staged copy.
 * Throws InputRejectedError when the input cannot be made acceptable (or there is nowhere to stage a copy).
 */
export async function providerInputUrl(job: GenerationJob, bytes: Buffer | undefined, originalUrl: string | undefined, spec: ImageSpec, name: string): Promise<string> {
  if (!bytes) {
    if (!originalUrl) throw new InputRejectedError('缺少输入图片')
    return originalUrl
  }
  const normalized = await normalizeImage(bytes, spec)
  if (!normalized.changed && originalUrl) return originalUrl
  if (!job.stage) throw new InputRejectedError('输入图片不符合服务要求')
  return job.stage({ bytes: normalized.bytes, contentType: normalized.contentType, name })
}
