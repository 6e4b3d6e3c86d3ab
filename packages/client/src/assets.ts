/**
 * Deduplicated upload of a user's photo: sha256 of the bytes → `storage/resolveAsset` → upload only when new →
 * `storage/registerAsset`. The byte upload itself is injected (cloud storage on weapp, HTTP PUT on H5).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { GroupedApi } from './groups'

/** Puts the bytes at `cloudPath` and returns the stored file id (`cloud://…` or `local://…`). */
export type Uploader = (file: { cloudPath: string; bytes: Uint8Array; filePath?: string }) => Promise<string>

export interface UploadAssetInput {
  bytes: Uint8Array
  /** File extension without the dot, e.g. 'jpg'. */
  ext: string
  openid: string
  /** Platform path of the file (weapp temp file), passed through to the uploader. */
  filePath?: string
}

export interface UploadedAsset {
  file_id: string
  hash: string
  size: number
  /** True when an identical file of this user was already stored and nothing was uploaded. */
  reused: boolean
}

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes))
}

const EXT = /^[a-z0-9]{1,5}$/

/** `users/<openid>/uploads/<hash>.<ext>`: the server checks that the path is the caller's own. */
export function uploadCloudPath(openid: string, hash: string, ext: string): string {
  const clean = ext.toLowerCase().replace(/^\./, '')
  return `users/${openid}/uploads/${hash}.${EXT.test(clean) ? clean : 'jpg'}`
}

export async function uploadAsset(
  api: Pick<GroupedApi, 'storage'>,
  upload: Uploader,
  input: UploadAssetInput,
): Promise<UploadedAsset> {
  const hash = sha256Hex(input.bytes)
  const size = input.bytes.byteLength
  const existing = await api.storage.resolve({ hash, size })
  if (existing.file_id) return { file_id: existing.file_id, hash, size, reused: true }
  const cloudPath = uploadCloudPath(input.openid, hash, input.ext)
  const uploadedId = await upload({ cloudPath, bytes: input.bytes, filePath: input.filePath })
  const registered = await api.storage.register({ hash, size, file_id: uploadedId })
  return { file_id: registered.file_id, hash, size, reused: registered.deduplicated }
}
