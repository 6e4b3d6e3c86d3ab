import { useEffect, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import { api } from '../../services/api'
import { ensureSession, useProfile } from '../../services/session'
import { createAttempt, goToProgress } from '../../services/generate'
import { fittingCost, usePricing } from '../../services/pricing'
import { toastError } from '../../services/ui'
import { useUploads } from '../../hooks/use-uploads'
import { AddSlot, PhotoSlot } from '../../components/photo-slot'
import { ChipGroup } from '../../components/chip-group'
import { CostBar } from '../../components/cost-bar'
import './index.css'

type GarmentType = 'top' | 'bottom' | 'dress' | 'outerwear'
const TYPES: ReadonlyArray<{ value: GarmentType; label: string }> = [
  { value: 'top', label: '上装' },
  { value: 'bottom', label: '下装' },
  { value: 'dress', label: '连衣裙' },
  { value: 'outerwear', label: '外套' },
]

export default function Fitting() {
  const profile = useProfile()
  const person = useUploads(1)
  const garment = useUploads(1)
  const [garmentType, setGarmentType] = useState<GarmentType>('top')
  const [busy, setBusy] = useState(false)
  const attempt = useRef(createAttempt()).current

  useEffect(() => {
    ensureSession().catch(() => {})
  }, [])

  const personId = person.fileIds[0]
  const garmentId = garment.fileIds[0]
  const pricing = usePricing()
  const ready = Boolean(personId && garmentId && pricing)
  const hint = person.slots.length === 0 ? '请上传人物照片' : garment.slots.length === 0 ? '请上传服装图片' : '图片上传中'

  async function generate() {
    if (!personId || !garmentId || busy) return
    setBusy(true)
    try {
      const out = await attempt((request_id) =>
        api.fitting.generate({ person_image: personId, garment_image: garmentId, garment_type: garmentType, request_id }),
      )
      goToProgress(out)
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='pg create'>
      <View className='section fit-pair'>
        <View className='fit-col card'>
          <View className='fit-title'>人物照片</View>
          <View className='faint fit-tip'>正面全身或半身，光线充足</View>
          {person.slots[0] ? (
            <PhotoSlot tall value={person.slots[0]} onRemove={() => person.remove(person.slots[0]!.key)} onRetry={() => void person.retry(person.slots[0]!.key)} />
          ) : (
            <AddSlot tall label='上传人物' onClick={() => void person.add()} />
          )}
        </View>
        <View className='fit-col card'>
          <View className='fit-title'>服装图片</View>
          <View className='faint fit-tip'>平铺或挂拍，单件服装</View>
          {garment.slots[0] ? (
            <PhotoSlot tall value={garment.slots[0]} onRemove={() => garment.remove(garment.slots[0]!.key)} onRetry={() => void garment.retry(garment.slots[0]!.key)} />
          ) : (
            <AddSlot tall label='上传服装' onClick={() => void garment.add()} />
          )}
        </View>
      </View>
      <View className='section card'>
        <View className='section-title'>服装类型</View>
        <ChipGroup options={TYPES} value={garmentType} onChange={setGarmentType} />
      </View>
      <CostBar cost={pricing ? fittingCost(pricing) : null} balance={profile?.credits ?? null} busy={busy} ready={ready} hint={hint} onGenerate={generate} />
    </View>
  )
}
