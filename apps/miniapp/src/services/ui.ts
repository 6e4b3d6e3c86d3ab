/** Every error becomes a visible Chinese message; confirmations use the platform's own dialogs. */
import Taro from '@tarojs/taro'
import { errorMessage, isApiError } from '@aiphoto/client'

export function toastError(error: unknown): void {
  // An expired session is already being handled (redirect to login); a second toast would only add noise.
  if (isApiError(error) && error.code === 'UNAUTHENTICATED' && process.env.TARO_ENV === 'h5') return
  void Taro.showToast({ title: errorMessage(error), icon: 'none', duration: 2500 })
}

export function toastText(title: string): void {
  void Taro.showToast({ title, icon: 'none', duration: 2000 })
}

export function toastSuccess(title: string): void {
  void Taro.showToast({ title, icon: 'success', duration: 1500 })
}

export async function confirm(options: { title: string; content: string; confirmText?: string; danger?: boolean }): Promise<boolean> {
  const res = await Taro.showModal({
    title: options.title,
    content: options.content,
    confirmText: options.confirmText ?? '确定',
    cancelText: '取消',
    confirmColor: options.danger ? '#E5484D' : '#5B47FB',
  })
  return res.confirm
}

export function formatFen(fen: number): string {
  return (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)
}

export function formatDate(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
