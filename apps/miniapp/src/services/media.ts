/** Picking, preparing, uploading and saving photos; the platform differences of file access live here. */
import Taro from '@tarojs/taro'
import { ApiError, uploadAsset, type UploadedAsset } from '@aiphoto/client'
import { api, uploader } from './api'
import { ensureSession } from './session'
import { askForPermissionInSettings, explainPrivacyFailure } from './privacy'
import { classifyWxError, wxErrMsg } from './wx-errors'
import { toastText } from './ui'

/**
 * What the image providers accept, applied on the phone before anything is uploaded (the strictest of them,
 * DashScope AI try-on: 5 KB–5 MB, 150–4096 px per side, JPG/PNG among others; help.aliyun.com/document_detail/2796626.html).
 * The gateway accepts up to 10 MB (storage/registerAsset), so these are the binding limits.
 */
export const UPLOAD_LIMITS = { maxSide: 4096, minSide: 150, maxBytes: 5 * 1024 * 1024, types: ['jpg', 'png'] as const }

export interface PickedImage {
  /** Temp path (weapp) or blob URL (H5), usable as an <Image> src. */
  path: string
  size: number
  ext: string
}

const limitError = (message: string) => new ApiError({ code: 'VALIDATION_FAILED', message })

function extOf(path: string, mime?: string): string {
  if (mime && mime.startsWith('image/')) return mime.slice(6).replace('jpeg', 'jpg')
  const m = /\.([a-zA-Z0-9]{1,5})(?:\?|$)/.exec(path)
  return m?.[1]?.toLowerCase() ?? 'jpg'
}

/** Lets the user pick up to `count` photos; resolves [] when cancelled or refused (after saying why). */
export async function pickImages(count: number): Promise<PickedImage[]> {
  try {
    if (process.env.TARO_ENV === 'weapp') {
      // chooseMedia replaces chooseImage, unmaintained since base library 2.21.0
      // (developers.weixin.qq.com/miniprogram/dev/api/media/video/wx.chooseMedia.html).
      const res = await Taro.chooseMedia({ count, mediaType: ['image'], sizeType: ['compressed'], sourceType: ['album', 'camera'] })
      const out: PickedImage[] = []
      for (const f of res.tempFiles) out.push(await prepareForUpload(f.tempFilePath, f.size))
      return out
    }
    const res = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    return res.tempFiles.map((f) => {
      const file = f as { path: string; size: number; type?: string; originalFileObj?: { type?: string } }
      const image = { path: file.path, size: file.size, ext: extOf(file.path, file.originalFileObj?.type ?? file.type) }
      if (image.size > UPLOAD_LIMITS.maxBytes) throw limitError('图片不能超过 5MB，请换一张')
      return image
    })
  } catch (error) {
    const kind = classifyWxError(error)
    if (kind === 'cancel') return []
    if (await explainPrivacyFailure(error, '选择图片')) return []
    if (kind === 'permission-denied') {
      await askForPermissionInSettings('scope.camera', '需要相机或相册权限', '拍照或选图需要访问相机/相册，请在设置中开启。')
      return []
    }
    throw error
  }
}

function fileSize(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    Taro.getFileSystemManager().getFileInfo({
      filePath: path,
      success: (r) => resolve(r.size),
      fail: (e) => reject(new Error(e.errMsg)),
    })
  })
}

/**
 * weapp: brings a picked photo inside the provider limits. Anything larger than 4096 px per side, heavier than
 * 5 MB or not JPG/PNG (HEIC, WebP, GIF…) is re-encoded by wx.compressImage as a JPEG with its long side capped.
 */
async function prepareForUpload(path: string, size: number): Promise<PickedImage> {
  const info = await Taro.getImageInfo({ src: path })
  const type = (info.type || extOf(path)).toLowerCase().replace('jpeg', 'jpg')
  const longSide = Math.max(info.width, info.height)
  if (Math.min(info.width, info.height) < UPLOAD_LIMITS.minSide) throw limitError('图片太小，请上传边长至少 150 像素的图片')
  const fits = longSide <= UPLOAD_LIMITS.maxSide && size <= UPLOAD_LIMITS.maxBytes && (UPLOAD_LIMITS.types as readonly string[]).includes(type)
  if (fits) return { path, size, ext: type }
  const scale = Math.min(1, UPLOAD_LIMITS.maxSide / longSide)
  for (const quality of [80, 60]) {
    const res = await Taro.compressImage({
      src: path,
      quality,
      // compressedWidth/Height (base library 2.26.0+) keep the aspect ratio when only one is given.
      ...(info.width >= info.height ? { compressedWidth: Math.floor(info.width * scale) } : { compressedHeight: Math.floor(info.height * scale) }),
    } as Parameters<typeof Taro.compressImage>[0])
    const out = await Taro.getImageInfo({ src: res.tempFilePath })
    const bytes = await fileSize(res.tempFilePath)
    if (Math.max(out.width, out.height) > UPLOAD_LIMITS.maxSide) throw limitError('图片尺寸过大（单边不能超过 4096 像素），请换一张')
    if (bytes <= UPLOAD_LIMITS.maxBytes) return { path: res.tempFilePath, size: bytes, ext: 'jpg' }
  }
  throw limitError('图片压缩后仍超过 5MB，请换一张')
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
  if (image.size > UPLOAD_LIMITS.maxBytes) throw limitError('图片不能超过 5MB，请换一张')
  const user = await ensureSession()
  const bytes = await readBytes(image.path)
  if (bytes.byteLength > UPLOAD_LIMITS.maxBytes) throw limitError('图片不能超过 5MB，请换一张')
  return uploadAsset(api, uploader, { bytes, ext: image.ext, openid: user.openid, filePath: image.path })
}

/** A chosen avatar (temp file from <Button openType="chooseAvatar">) brought inside the limits and uploaded (the gateway applies the same 150 px minimum to every upload). */
export async function uploadAvatar(tempPath: string): Promise<UploadedAsset> {
  if (process.env.TARO_ENV !== 'weapp') return uploadPicked({ path: tempPath, size: 0, ext: 'jpg' })
  return uploadPicked(await prepareForUpload(tempPath, await fileSize(tempPath)))
}

/** An image to save: its stored file id (weapp downloads it through wx.cloud) and a display URL (H5, fallback). */
export interface SavableImage {
  fileId: string
  url: string
}

/** weapp: download and save to the album, with the album permission flow. H5: a browser download. */
export async function saveImage(image: SavableImage, freshUrl?: () => Promise<string>): Promise<'saved' | 'cancelled'> {
  if (process.env.TARO_ENV === 'weapp') return saveToAlbum(image, freshUrl)
  return browserDownload(image.url)
}

/**
 * The file comes through wx.cloud.downloadFile({ fileID }): no downloadFile domain and no expiring URL involved.
 * When the storage rules do not let this user read the file by id (docs/deploy.md, storage rules), a freshly
 * signed URL is downloaded instead.
 */
async function downloadForAlbum(image: SavableImage, freshUrl?: () => Promise<string>): Promise<string> {
  if (image.fileId.startsWith('cloud://')) {
    try {
      const res = await Taro.cloud.downloadFile({ fileID: image.fileId })
      if (res.tempFilePath) return res.tempFilePath
    } catch (error) {
      console.warn('[album] cloud.downloadFile failed, using a signed URL', wxErrMsg(error))
    }
  }
  const url = freshUrl ? await freshUrl() : image.url
  const { tempFilePath, statusCode } = await Taro.downloadFile({ url })
  if (statusCode !== 200) throw new ApiError({ code: 'NETWORK', message: '图片下载失败，请重试' })
  return tempFilePath
}

async function saveToAlbum(image: SavableImage, freshUrl?: () => Promise<string>): Promise<'saved' | 'cancelled'> {
  const setting = await Taro.getSetting()
  // Refused before: saveImageToPhotosAlbum would fail at once without asking, only the settings page can grant it.
  if (setting.authSetting['scope.writePhotosAlbum'] === false) {
    const granted = await askForPermissionInSettings('scope.writePhotosAlbum', '需要相册权限', '保存图片需要访问你的相册，请在设置中开启“添加到相册”。')
    if (!granted) return 'cancelled'
  }
  const filePath = await downloadForAlbum(image, freshUrl)
  try {
    await Taro.saveImageToPhotosAlbum({ filePath })
    return 'saved'
  } catch (error) {
    const kind = classifyWxError(error)
    if (kind === 'cancel') return 'cancelled'
    if (await explainPrivacyFailure(error, '保存到相册')) return 'cancelled'
    if (kind !== 'permission-denied') throw error
    const granted = await askForPermissionInSettings('scope.writePhotosAlbum', '需要相册权限', '保存图片需要访问你的相册，请在设置中开启“添加到相册”。')
    if (!granted) return 'cancelled'
    await Taro.saveImageToPhotosAlbum({ filePath })
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

/** Copies text; the clipboard is a privacy-scoped API, so a refusal or failure is answered, never thrown. */
export async function copyText(text: string, done: string): Promise<boolean> {
  try {
    await Taro.setClipboardData({ data: text })
    // weapp shows its own "内容已复制" toast; ours replaces it with what was copied.
    toastText(done)
    return true
  } catch (error) {
    if (await explainPrivacyFailure(error, '复制')) return false
    await Taro.showModal({ title: '复制失败', content: `请长按选择并手动复制：${text}`, showCancel: false, confirmText: '知道了' })
    return false
  }
}
