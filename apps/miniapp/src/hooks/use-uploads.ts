/** Picked photos that upload themselves (deduplicated) as soon as they are chosen. */
import { useCallback, useRef, useState } from 'react'
import { errorMessage } from '@aiphoto/client'
import type { PhotoSlotValue } from '../components/photo-slot'
import { pickImages, uploadPicked, type PickedImage } from '../services/media'
import { toastError } from '../services/ui'

export function useUploads(max: number) {
  const [slots, setSlots] = useState<PhotoSlotValue[]>([])
  const picked = useRef(new Map<string, PickedImage>())
  const seq = useRef(0)

  const update = (key: string, patch: Partial<PhotoSlotValue>) =>
    setSlots((prev) => prev.map((s) => (s.key === key ? { ...s, ...patch } : s)))

  const upload = useCallback(async (key: string) => {
    const image = picked.current.get(key)
    if (!image) return
    update(key, { status: 'uploading', error: undefined })
    try {
      const asset = await uploadPicked(image)
      update(key, { status: 'done', fileId: asset.file_id })
    } catch (error) {
      update(key, { status: 'error', error: errorMessage(error) })
      toastError(error)
    }
  }, [])

  const add = useCallback(async () => {
    const room = max - slots.length
    if (room <= 0) return
    let images: PickedImage[]
    try {
      images = await pickImages(room)
    } catch (error) {
      toastError(error)
      return
    }
    const added = images.slice(0, room).map((image) => {
      const key = `s${++seq.current}`
      picked.current.set(key, image)
      return { key, path: image.path, status: 'uploading' as const }
    })
    setSlots((prev) => [...prev, ...added])
    await Promise.all(added.map((s) => upload(s.key)))
  }, [max, slots.length, upload])

  const remove = useCallback((key: string) => {
    picked.current.delete(key)
    setSlots((prev) => prev.filter((s) => s.key !== key))
  }, [])

  /** Forgets every photo (the choice they belonged to no longer applies). */
  const clear = useCallback(() => {
    picked.current.clear()
    setSlots([])
  }, [])

  const fileIds = slots.filter((s) => s.status === 'done' && s.fileId).map((s) => s.fileId as string)
  const uploading = slots.some((s) => s.status === 'uploading')
  return { slots, add, remove, clear, retry: upload, fileIds, uploading, full: slots.length >= max }
}
