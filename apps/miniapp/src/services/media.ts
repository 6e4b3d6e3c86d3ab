/** Picking, reading, uploading and saving photos; the platform differences of file access live here. */
import Taro from '@tarojs/taro'
import { ApiError, uploadAsset, type UploadedAsset } from '@aiphoto/client'
import { api, uploader } from './api'
import { ensureSession } from './session'

const MAX_BYTES = 10 * 1024 * 1024

export interface PickedImage {
  /** Temp path (weapp) or blob URL (H5), usable as an <Image> src. */
  path: string
  size: number
  ext: string
}

function extOf(path: string, mime?: string): string {
  if (mime && mime.startsWith('image/')) return mime.slice(6).replace('jpeg', 'jpg')
  const m = /\.([a-zA-Z0-9]{1,5})(?:\?|$)/.exec(path)
  return m?.[1]?.toLowerCase() ?? 'jpg'
}

/** Lets the user pick up to `count` photos; resolves [] when cancelled. */
export async function pickImages(count: number): Promise<PickedImage[]> {
  try {
    const res = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    return res.tempFiles.map((f) => {
      const file = f as { path: string; size: number; type?: string; originalFileObj?: { type?: string } }
      return { path: file.path, size: file.size, ext: extOf(file.path, file.originalFileObj?.type ?? file.type) }
    })
  } catch (error) {
    if (String((error as { errMsg?: string })?.errMsg ?? error).includes('cancel')) return []
    throw error
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  if (process.env.TARO_ENV === 'weapp') {
    const data = await new Promise<ArrayBuffer>((resolve, reject) => {
      Taro.getFileSystemManager().readFile({
        filePath: path,
        success: (r) => resolve(r.data as ArrayBuffer),
        fail: (e) => reject(new Error(e.errMsg)),
      })
    })
    return new Uint8Array(data)
  }
  const res = await fetch(path)
  return new Uint8Array(await res.arrayBuffer())
}

/** Uploads a picked photo once per content (sha256 dedupe) and returns its stored file id. */
export async function uploadPicked(image: PickedImage): Promise<UploadedAsset> {
  if (image.size > MAX_BYTES) throw new ApiError({ code: 'VALIDATION_FAILED', message: '图片不能超过 10MB' })
  const user = await ensureSession()
  const bytes = await readBytes(image.path)
  return uploadAsset(api, uploader, { bytes, ext: image.ext, openid: user.openid, filePath: image.path })
}

function isAuthDenied(error: unknown): boolean {
  const msg = String((error as { errMsg?: string })?.errMsg ?? '')
  return msg.includes('auth') || msg.includes('authorize') || msg.includes('privacy')
}

/** weapp: download and save to the album, asking for the album permission again when it was refused. H5: a browser download. */
export async function saveImage(url: string): Promise<'saved' | 'cancelled'> {
  if (process.env.TARO_ENV === 'weapp') return saveToAlbum(url)
  return browserDownload(url)
}

async function saveToAlbum(url: string): Promise<'saved' | 'cancelled'> {
  const { tempFilePath, statusCode } = await Taro.downloadFile({ url })
  if (statusCode !== 200) throw new ApiError({ code: 'NETWORK', message: '图片下载失败，请重试' })
  try {
    await Taro.saveImageToPhotosAlbum({ filePath: tempFilePath })
    return 'saved'
  } catch (error) {
    if (!isAuthDenied(error)) {
      if (String((error as { errMsg?: string })?.errMsg ?? '').includes('cancel')) return 'cancelled'
      throw error
    }
    const { confirm } = await Taro.showModal({
      title: '需要相册权限',
      content: '保存图片需要访问你的相册，请在设置中开启“保存到相册”。',
      confirmText: '去设置',
    })
    if (!confirm) return 'cancelled'
    const setting = await Taro.openSetting()
    if (!setting.authSetting['scope.writePhotosAlbum']) return 'cancelled'
    await Taro.saveImageToPhotosAlbum({ filePath: tempFilePath })
    return 'saved'
  }
}

function browserDownload(url: string): 'saved' {
  const a = document.createElement('a')
  a.href = url
  a.download = `ai-photo-${Date.now()}.jpg`
  a.target = '_blank'
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  return 'saved'
}
