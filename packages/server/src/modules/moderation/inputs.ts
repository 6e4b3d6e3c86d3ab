/** The generation gate for inputs: a file whose check said risky or review is refused before anything is charged. */
import type { Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { findOne } from '../../lib/db'
import type { AssetDoc } from '../../data/documents'
import { checkStatus, ensureAssetChecked } from './media-checks'

export async function requireInputsNotRejected(rt: Runtime, openid: string, fileIds: string[], now: Date): Promise<void> {
  for (const fileId of new Set(fileIds)) {
    const asset = await findOne<AssetDoc>(rt.db, 'assets', { user_openid: openid, file_id: fileId })
    if (!asset) continue // requireOwnAssets already refused foreign or missing files
    const moderation = await ensureAssetChecked(rt, asset, now)
    // The check document is the authority (the asset's copy is written in the same transaction as the verdict).
    const status = moderation.status === 'pending' ? await checkStatus(rt, moderation.trace_id) : moderation.status
    if (status === 'risky' || status === 'review') {
      throw new AppError('VALIDATION_FAILED', '图片未通过内容安全审核，请更换图片', { field: 'images', label: status })
    }
  }
}
