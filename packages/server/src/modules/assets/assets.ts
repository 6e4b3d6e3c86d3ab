/**
 * Uploaded inputs, deduplicated by sha256 per user. An asset is only ever looked up under the caller's own
 * openid, so knowing a hash never yields someone else's file; registering checks that the file exists,
 * lives in the caller's folder, and really has that size and hash (downloaded and hashed here).
 */
import { createHash } from 'node:crypto'
import { readImageHeader } from '../../lib/image-header'
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { findOne, getDoc, must } from '../../lib/db'
import { isDuplicateKeyError as isDuplicateKey } from '@aiphoto/runtime'
import type { AssetDoc } from '../../data/documents'

/** `_id` of a user's asset with this hash: unique per (user, hash) by construction. */
export function assetId(openid: string, hash: string): string {
  return createHash('sha256').update(`asset\n${openid}\n${hash}`).digest('hex').slice(0, 40)
}

const notFound = () => new AppError('NOT_FOUND', '文件不存在或已删除')

export async function resolveAsset(rt: Runtime, openid: string, hash: string, size: number): Promise<string | null> {
  const asset = await getDoc<AssetDoc>(rt.db, 'assets', assetId(openid, hash))
  if (!asset || asset.user_openid !== openid || asset.size !== size) return null
  const info = await rt.storage.stat(asset.file_id)
  return info && info.ownerOpenid === openid && info.size === size ? asset.file_id : null
}

/**
 * The worker can make any JPEG, PNG or WebP acceptable to the providers (orientation, pixels, bytes), but not
 * enlarge a thumbnail: DashScope try-on and parsing refuse a side under 150 px (aitryon-plus API reference:
 * "150≤图像边长≤4096"), and the prebuilt sharp that normalises inputs decodes neither HEIC nor BMP. The format is
 * refused at registration; the size only when the file becomes a generation input (before anything is charged),
 * because an avatar never reaches a provider and WeChat's own avatars can be 132 px.
 */
export const MIN_IMAGE_SIDE = 150
const USABLE_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp'])

function usableImageSize(bytes: Buffer): { width: number; height: number } {
  const header = readImageHeader(bytes)
  if (!USABLE_FORMATS.has(header.format) || !header.width || !header.height)
    throw new AppError('VALIDATION_FAILED', '请上传 JPG、PNG 或 WebP 格式的图片', { field: 'file', reason: 'unsupported_format', format: header.format })
  return { width: header.width, height: header.height }
}

function requireGenerationSize(size: { width: number; height: number }): void {
  if (Math.min(size.width, size.height) < MIN_IMAGE_SIDE)
    throw new AppError('VALIDATION_FAILED', `图片太小，短边至少 ${MIN_IMAGE_SIDE} 像素`, { field: 'file', reason: 'image_too_small', width: size.width, height: size.height })
}

export async function registerAsset(rt: Runtime, openid: string, input: { hash: string; size: number; file_id: string }, now: Date): Promise<{ file_id: string; deduplicated: boolean }> {
  const info = await rt.storage.stat(input.file_id)
  // Someone else's file answers exactly like a missing one: no existence oracle.
  if (!info || info.ownerOpenid !== openid) throw notFound()
  if (info.size !== input.size) throw new AppError('VALIDATION_FAILED', '文件大小不一致', { field: 'size' })
  const bytes = await rt.storage.download(input.file_id)
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual !== input.hash || bytes.length !== input.size) throw new AppError('VALIDATION_FAILED', '文件校验失败', { field: 'hash' })
  const { width, height } = usableImageSize(bytes)

  const id = assetId(openid, input.hash)
  const existing = await getDoc<AssetDoc>(rt.db, 'assets', id)
  if (existing) {
    if (existing.file_id === input.file_id) return { file_id: existing.file_id, deduplicated: false }
    if (await rt.storage.stat(existing.file_id)) return { file_id: existing.file_id, deduplicated: true }
    // The earlier copy is gone: this upload becomes the asset.
    must(await rt.db.collection('assets').doc(id).update({ file_id: input.file_id, width, height, created_at: now }))
    return { file_id: input.file_id, deduplicated: false }
  }
  const doc: AssetDoc = { _id: id, user_openid: openid, hash: input.hash, size: input.size, file_id: input.file_id, width, height, created_at: now }
  try {
    must(await rt.db.collection('assets').add(doc))
    return { file_id: input.file_id, deduplicated: false }
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    const winner = await getDoc<AssetDoc>(rt.db, 'assets', id)
    if (!winner) throw err
    return { file_id: winner.file_id, deduplicated: winner.file_id !== input.file_id }
  }
}

/**
 * Checks that every file id is one of the caller's registered assets, still exists and is large enough for the
 * providers; NOT_FOUND otherwise (never charging for, or reading, another user's file).
 */
export async function requireOwnAssets(rt: Runtime, openid: string, fileIds: string[]): Promise<void> {
  for (const fileId of new Set(fileIds)) {
    const asset = await findOne<AssetDoc>(rt.db, 'assets', { user_openid: openid, file_id: fileId })
    if (!asset) throw notFound()
    const info = await rt.storage.stat(fileId)
    if (!info || info.ownerOpenid !== openid) throw notFound()
    // Assets registered before sizes were recorded are measured once here.
    requireGenerationSize(asset.width && asset.height ? { width: asset.width, height: asset.height } : usableImageSize(await rt.storage.download(fileId)))
  }
}
