/**
 * Local content safety: a small word list standing in for `security.msgSecCheck`, so the rejection path
 * (clear reason, refund) is exercised locally exactly as in the cloud; images go to the asynchronous local
 * media check (media-check.ts).
 */
import type { ContentSafetyPort } from '@aiphoto/runtime'
import type { LocalMediaCheck } from './media-check'

const DEFAULT_BLOCKED = ['违禁', '色情', '赌博', '毒品', 'forbidden-word']

export function createWordListSafety(media: Pick<LocalMediaCheck, 'submitImage'>, blocked: string[] = DEFAULT_BLOCKED): ContentSafetyPort {
  const words = blocked.map((w) => w.toLowerCase())
  return {
    async checkText({ text }) {
      const t = text.toLowerCase()
      const hit = words.find((w) => t.includes(w))
      return hit ? { ok: false, label: 'risky' } : { ok: true }
    },
    submitImage: (input) => media.submitImage(input),
  }
}
