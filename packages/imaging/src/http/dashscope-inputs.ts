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

/**
 * General image editing (`wanx2.1-imageedit`, used for 图像超分) base image: "图像格式：JPG、JPEG、PNG、BMP、TIFF、WEBP",
 * "图像的宽度和高度范围为[512, 4096]像素", "图像大小：不超过10MB", "URL地址中不能包含中文字符"
 * (https://help.aliyun.com/zh/model-studio/wanx-image-edit-api-reference). No lower file size is documented.
 * We send JPEG or PNG only.
 */
export const IMAGE_EDIT_INPUT_SPEC: ImageSpec = { minBytes: 1, maxBytes: 10 * MB, minSide: 512, maxSide: 4096, formats: ['jpeg', 'png'] }

/** Same reference: upscale_factor "范围1~4，默认1。当设置为1时，仅进行高清处理，不放大". */
export const UPSCALE_FACTORS = [1, 2, 3, 4] as const

/**
 * Text-to-image V2 (`wanx2.1-t2i-turbo` & co.): prompt "长度不超过800个字符，每个汉字/字母占一个字符，超过部分会自动截断";
 * negative_prompt "长度不超过500个字符"; size "图像宽高边长的像素范围为：[512, 1440]…最高可达200万像素"; n "取值范围为1~4张"
 * (https://help.aliyun.com/zh/model-studio/developer-reference/text-to-image-v2-api-reference).
 */
export const TEXT_TO_IMAGE_LIMITS = { promptChars: 800, negativeChars: 500, minSide: 512, maxSide: 1440, maxPixels: 2_000_000, maxCount: 4 } as const

/**
 * Cuts a text to `max` characters (each Chinese character or letter counts one, as the references count) at the
 * last clause boundary in the second half, so the model never reads half a clause; the service would cut it
 * silently anywhere.
 */
export function fitChars(text: string, max: number): string {
  const chars = [...text.trim()]
  if (chars.length <= max) return chars.join('')
  const head = chars.slice(0, max).join('')
  const cut = Math.max(...['，', '。', '；', ',', '.', ';'].map((c) => head.lastIndexOf(c)))
  return (cut >= max / 2 ? head.slice(0, cut) : head).trim()
}
