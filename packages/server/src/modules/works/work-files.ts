/**
 * Files a work no longer needs: a deleted work's images, and what its task stored on the way that is not a final
 * image (step outputs, inputs staged for a provider, outputs held for an image check that will never be shown).
 * Storage is not transactional, so the transaction that makes files unneeded (a settle, a cancel, a delete) only
 * RECORDS them on the work (`files_to_remove`, with the indexed `files_pending` flag); they are deleted after it
 * committed (`removeWorkFiles`) and un-recorded only once deleted. A failed delete leaves them listed for the
 * retention sweep (admin/retention.ts); deleting a file already gone is not an error, so a repeat is harmless.
 */
import type { Runtime } from '@aiphoto/runtime'
import { getDoc, must, type DbScope } from '../../lib/db'
import type { TaskDoc, WorkDoc } from '../../data/documents'
import { runTx } from '../ledger/ledger'

/** Every file a task stored or staged: all step outputs, held outputs, staged provider inputs. */
export function taskFiles(t: TaskDoc): string[] {
  const steps = (t.steps ?? []).flatMap((s) => (s.units ?? []).flatMap((u) => u.outputs ?? []))
  return [...new Set([...steps, ...(t.moderation?.outputs ?? []), ...(t.staged_files ?? [])])]
}

/** The files of a task that are not among `kept` (the images the work shows). */
export function leftoverFiles(t: TaskDoc, kept: readonly string[] = []): string[] {
  const keep = new Set(kept)
  return taskFiles(t).filter((f) => !keep.has(f))
}

/**
 * The `files_to_remove`/`files_pending` fields that add `files` to what the work already lists, to be merged into
 * the caller's update of the work in the same transaction ({} when there is nothing to add).
 */
export async function recordFilesInTx(tx: DbScope, workId: string, files: readonly string[]): Promise<Pick<WorkDoc, 'files_to_remove' | 'files_pending'>> {
  if (files.length === 0) return {}
  const w = await getDoc<WorkDoc>(tx, 'works', workId)
  const listed = [...new Set([...(w?.files_to_remove ?? []), ...files])]
  return { files_to_remove: listed, files_pending: true }
}

/**
 * Deletes files recorded on a work (all of them, or the given ones) and un-records those deleted. Never throws:
 * whatever could not be deleted or un-recorded stays listed for the next sweep. Answers how many were deleted.
 */
export async function removeWorkFiles(rt: Runtime, workId: string, files?: readonly string[]): Promise<number> {
  try {
    const list = files ?? (await getDoc<WorkDoc>(rt.db, 'works', workId))?.files_to_remove ?? []
    if (list.length === 0) return 0
    await rt.storage.delete([...list])
    const done = new Set(list)
    await runTx(rt.db, async (tx) => {
      const w = await getDoc<WorkDoc>(tx, 'works', workId)
      if (!w) return
      // Only what was deleted here leaves the list: files recorded meanwhile (another settle) stay.
      const rest = (w.files_to_remove ?? []).filter((f) => !done.has(f))
      if (rest.length === (w.files_to_remove ?? []).length && !!w.files_pending === rest.length > 0) return
      must(await tx.collection('works').doc(workId).update({ files_to_remove: rest, files_pending: rest.length > 0 }))
    })
    return list.length
  } catch (err) {
    rt.logger.warn('work_files_delete_failed', { work_id: workId, error: String((err as Error)?.message ?? err).slice(0, 200) })
    return 0
  }
}

/**
 * Files stored by a worker that lost its task before it could record them anywhere (their names carry its lease,
 * so nobody else uses them): deleted now, or recorded on the work for the sweep when the delete fails.
 */
export async function discardUnrecorded(rt: Runtime, workId: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return
  try {
    await rt.storage.delete([...files])
    return
  } catch (err) {
    rt.logger.warn('storage_delete_failed', { work_id: workId, error: String((err as Error)?.message ?? err).slice(0, 200) })
  }
  try {
    await runTx(rt.db, async (tx) => {
      const patch = await recordFilesInTx(tx, workId, files)
      if (patch.files_pending) must(await tx.collection('works').doc(workId).update(patch))
    })
  } catch (err) {
    rt.logger.error('work_files_record_failed', { work_id: workId, files: files.length, error: String((err as Error)?.message ?? err).slice(0, 200) })
  }
}
