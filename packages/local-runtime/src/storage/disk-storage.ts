/**
 * Storage port on the local disk: `local://<cloudPath>` file ids, files under `<dir>/<cloudPath>`, served only
 * through HMAC-signed, expiring URLs that the local cloud verifies (like CloudBase's temp file URLs).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdir, readFile, rm, stat, writeFile, rename } from 'node:fs/promises'
import path from 'node:path'
import type { Clock, StoragePort, StoredFileInfo } from '@aiphoto/runtime'

const PREFIX = 'local://'
/** Same rule as CloudBase cloud paths, stricter: no `..`, no leading slash, a safe charset. */
const CLOUD_PATH = /^(?!.*\.\.)(?!\/)[A-Za-z0-9_\-./]{1,300}$/

export class StorageError extends Error {
  constructor(
    readonly code: 'INVALID_PATH' | 'NOT_FOUND',
    message: string,
  ) {
    super(message)
    this.name = 'StorageError'
  }
}

export interface DiskStorageOptions {
  dir: string
  /** Public base URL of the local cloud (signed URLs point at `${baseUrl}/files/...`). */
  baseUrl: string
  signingKey: Buffer
  clock: Clock
}

export function isValidCloudPath(cloudPath: string): boolean {
  return CLOUD_PATH.test(cloudPath) && !cloudPath.split('/').some((seg) => seg === '' || seg === '.')
}

export function cloudPathOf(fileId: string): string {
  if (!fileId.startsWith(PREFIX)) throw new StorageError('INVALID_PATH', 'not a local file id')
  const p = fileId.slice(PREFIX.length)
  if (!isValidCloudPath(p)) throw new StorageError('INVALID_PATH', 'invalid cloud path')
  return p
}

/** `users/<openid>/...` → openid; anything else is shared (scenes, system assets). */
export function ownerOf(cloudPath: string): string | null {
  const m = /^users\/([A-Za-z0-9_-]+)\//.exec(cloudPath)
  return m ? m[1]! : null
}

export function signFileUrl(key: Buffer, cloudPath: string, expiresAtSec: number): string {
  return createHmac('sha256', key).update(`${cloudPath}\n${expiresAtSec}`).digest('base64url')
}

export function verifyFileUrl(key: Buffer, cloudPath: string, exp: string | null, sig: string | null, now: Date): boolean {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < now.getTime()) return false
  const expected = Buffer.from(signFileUrl(key, cloudPath, Number(exp)))
  const given = Buffer.from(sig)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export interface DiskStorage extends StoragePort {
  /** Absolute path of a stored file, for the local cloud's file server. */
  resolvePath(cloudPath: string): string
}

export function createDiskStorage(opts: DiskStorageOptions): DiskStorage {
  const root = path.resolve(opts.dir)
  const full = (cloudPath: string) => {
    const p = path.resolve(root, cloudPath)
    if (!p.startsWith(root + path.sep)) throw new StorageError('INVALID_PATH', 'path escapes storage root')
    return p
  }
  const storage: DiskStorage = {
    resolvePath: full,
    async upload({ cloudPath, content }) {
      if (!isValidCloudPath(cloudPath)) throw new StorageError('INVALID_PATH', 'invalid cloud path')
      const target = full(cloudPath)
      await mkdir(path.dirname(target), { recursive: true })
      // Write then rename: a reader never sees a half-written file.
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`
      await writeFile(tmp, content)
      await rename(tmp, target)
      return { fileId: PREFIX + cloudPath }
    },
    async download(fileId) {
      try {
        return await readFile(full(cloudPathOf(fileId)))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageError('NOT_FOUND', 'file not found')
        throw err
      }
    },
    async getTempUrls(fileIds, ttlSeconds = 3600) {
      const exp = Math.floor(opts.clock.now().getTime() / 1000) + ttlSeconds
      return Promise.all(
        fileIds.map(async (fileId) => {
          const info = await storage.stat(fileId).catch(() => null)
          if (!info) return { fileId, url: null }
          const p = cloudPathOf(fileId)
          const url = `${opts.baseUrl}/files/${p.split('/').map(encodeURIComponent).join('/')}?exp=${exp}&sig=${signFileUrl(opts.signingKey, p, exp)}`
          return { fileId, url }
        }),
      )
    },
    async delete(fileIds) {
      await Promise.all(fileIds.map((id) => rm(full(cloudPathOf(id)), { force: true })))
    },
    async stat(fileId): Promise<StoredFileInfo | null> {
      let p: string
      try {
        p = cloudPathOf(fileId)
      } catch {
        return null
      }
      try {
        const s = await stat(full(p))
        return s.isFile() ? { fileId, size: s.size, ownerOpenid: ownerOf(p) } : null
      } catch {
        return null
      }
    },
  }
  return storage
}
