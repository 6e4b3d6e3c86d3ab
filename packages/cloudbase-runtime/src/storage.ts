/**
 * The storage port on CloudBase cloud storage through wx-server-sdk (`uploadFile`, `downloadFile`,
 * `getTempFileURL`, `deleteFile`). File ids are `cloud://<env>.<bucket>/<cloudPath>`; the owner of a file is
 * read from its path (`users/<openid>/...`), the same rule as the local disk storage.
 *
 * NOTE: cloud storage has no "stat" call in wx-server-sdk. `stat` asks `getTempFileURL` whether the file exists
 * (status 0) and then sends an HTTP HEAD to that short-lived URL for `content-length` — what node-sdk's own
 * `getFileInfo` does — and falls back to downloading the file when HEAD gives no length. Existence costs one
 * SDK call; the size costs one HEAD (no body transfer) in the normal case.
 */
import type { Logger, StoragePort, StoredFileInfo } from '@aiphoto/runtime'
import { errCodeOf, errMsgOf, TCB_FILE_NOT_EXIST, type WxCloud } from './wx-cloud'

const PREFIX = 'cloud://'
/**
 * getTempFileURL takes at most 50 files per call and a maxAge of at most one day ("一次最多取 50 个",
 * "最大不超过一天": https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-server-api/storage/getTempFileURL.html);
 * deleteFile is batched the same way.
 */
const BATCH = 50
const MAX_URL_AGE_SECONDS = 86400
/** Same rule as the local storage: no `..`, no leading slash, a safe charset. */
const CLOUD_PATH = /^(?!.*\.\.)(?!\/)[A-Za-z0-9_\-./]{1,300}$/

export class StorageError extends Error {
  constructor(
    readonly code: 'INVALID_PATH' | 'NOT_FOUND' | 'UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'StorageError'
  }
}

export function isValidCloudPath(cloudPath: string): boolean {
  return CLOUD_PATH.test(cloudPath) && !cloudPath.split('/').some((seg) => seg === '' || seg === '.')
}

/** `cloud://env-id.bucket-id/users/o1/a.jpg` → `users/o1/a.jpg`; null for anything that is not a cloud file id. */
export function cloudPathOfFileId(fileId: string): string | null {
  if (!fileId.startsWith(PREFIX)) return null
  const slash = fileId.indexOf('/', PREFIX.length)
  if (slash <= PREFIX.length) return null
  const p = fileId.slice(slash + 1)
  return isValidCloudPath(p) ? p : null
}

/** `users/<openid>/...` → openid; anything else is shared (scenes, system assets). */
export function ownerOf(cloudPath: string): string | null {
  const m = /^users\/([A-Za-z0-9_-]+)\//.exec(cloudPath)
  return m ? m[1]! : null
}

export interface CloudStorageOptions {
  cloud: Pick<WxCloud, 'uploadFile' | 'downloadFile' | 'getTempFileURL' | 'deleteFile'>
  logger: Logger
  /** HEAD requests for `stat` (injectable for tests). */
  fetch?: typeof fetch
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function wrap(err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err
  return errCodeOf(err) === TCB_FILE_NOT_EXIST
    ? new StorageError('NOT_FOUND', 'file not found', { cause: err })
    : new StorageError('UNAVAILABLE', `${what} failed: ${errMsgOf(err)}`, { cause: err })
}

export function createCloudStorage(opts: CloudStorageOptions): StoragePort {
  const { cloud, logger } = opts
  const doFetch = opts.fetch ?? globalThis.fetch

  async function tempUrlOf(fileId: string, ttlSeconds: number): Promise<string | null> {
    const [item] = await storage.getTempUrls([fileId], ttlSeconds)
    return item?.url ?? null
  }

  const storage: StoragePort = {
    async upload({ cloudPath, content }) {
      if (!isValidCloudPath(cloudPath)) throw new StorageError('INVALID_PATH', 'invalid cloud path')
      try {
        const res = await cloud.uploadFile({ cloudPath, fileContent: content })
        if (typeof res?.fileID !== 'string' || !res.fileID) throw new StorageError('UNAVAILABLE', 'uploadFile returned no fileID')
        return { fileId: res.fileID }
      } catch (err) {
        throw wrap(err, 'uploadFile')
      }
    },

    async download(fileId) {
      if (cloudPathOfFileId(fileId) === null) throw new StorageError('INVALID_PATH', 'not a cloud file id')
      try {
        const res = await cloud.downloadFile({ fileID: fileId })
        if (!Buffer.isBuffer(res?.fileContent)) throw new StorageError('UNAVAILABLE', 'downloadFile returned no content')
        return res.fileContent
      } catch (err) {
        throw wrap(err, 'downloadFile')
      }
    },

    async getTempUrls(fileIds, ttlSeconds = 3600) {
      // A shorter life than asked is safe (the caller re-signs sooner); a longer one would be refused.
      const maxAge = Math.max(1, Math.min(MAX_URL_AGE_SECONDS, Math.floor(ttlSeconds)))
      const valid = [...new Set(fileIds.filter((id) => cloudPathOfFileId(id) !== null))]
      const urls = new Map<string, string>()
      for (const batch of chunks(valid, BATCH)) {
        let res: Awaited<ReturnType<WxCloud['getTempFileURL']>>
        try {
          res = await cloud.getTempFileURL({ fileList: batch.map((fileID) => ({ fileID, maxAge })) })
        } catch (err) {
          throw wrap(err, 'getTempFileURL')
        }
        for (const item of res?.fileList ?? []) {
          if (item && item.status === 0 && typeof item.tempFileURL === 'string' && item.tempFileURL) urls.set(item.fileID, item.tempFileURL)
        }
      }
      return fileIds.map((fileId) => ({ fileId, url: urls.get(fileId) ?? null }))
    },

    async delete(fileIds) {
      const valid = [...new Set(fileIds.filter((id) => cloudPathOfFileId(id) !== null))]
      let failedCount = 0
      let firstStatus: number | null = null
      for (const batch of chunks(valid, BATCH)) {
        let res: Awaited<ReturnType<WxCloud['deleteFile']>>
        try {
          res = await cloud.deleteFile({ fileList: batch })
        } catch (err) {
          throw wrap(err, 'deleteFile')
        }
        // Per-file results: "status 状态码，0 为成功" (https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-server-api/storage/deleteFile.html).
        // Missing files are not an error; other per-file failures do not abort the other batches, but the call
        // rejects at the end: callers keep the files listed (works.files_to_remove) and a later sweep retries.
        const failed = (res?.fileList ?? []).filter((f) => f && f.status !== 0 && f.status !== TCB_FILE_NOT_EXIST)
        failedCount += failed.length
        firstStatus ??= failed[0]?.status ?? null
      }
      if (failedCount) {
        logger.warn('storage_delete_partial', { failed: failedCount, status: firstStatus })
        throw new StorageError('UNAVAILABLE', `deleteFile: ${failedCount} file(s) not deleted (status ${firstStatus})`)
      }
    },

    async stat(fileId): Promise<StoredFileInfo | null> {
      const cloudPath = cloudPathOfFileId(fileId)
      if (cloudPath === null) return null
      let url: string | null
      try {
        url = await tempUrlOf(fileId, 60)
      } catch (err) {
        if ((err as StorageError).code === 'NOT_FOUND') return null
        throw err
      }
      if (!url) return null
      const info = (size: number): StoredFileInfo => ({ fileId, size, ownerOpenid: ownerOf(cloudPath) })
      try {
        const head = await doFetch(url, { method: 'HEAD' })
        const len = Number(head.headers.get('content-length'))
        if (head.status === 404) return null
        if (head.ok && Number.isSafeInteger(len) && len >= 0 && head.headers.get('content-length') !== null) return info(len)
      } catch {
        // fall through to a download
      }
      try {
        return info((await storage.download(fileId)).length)
      } catch (err) {
        if ((err as StorageError).code === 'NOT_FOUND') return null
        throw err
      }
    },
  }
  return storage
}
