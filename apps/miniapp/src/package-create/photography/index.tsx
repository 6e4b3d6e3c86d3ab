import { useEffect, useMemo, useRef, useState } from 'react'
import { Image, ScrollView, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import type { Scene } from '@aiphoto/contract'
import { errorMessage } from '@aiphoto/client'
import { api } from '../../services/api'
import { ensureSession, useProfile } from '../../services/session'
import { createAttempt, goToProgress } from '../../services/generate'
import { photographyCost, usePricing } from '../../services/pricing'
import { toastError } from '../../services/ui'
import { useUploads } from '../../hooks/use-uploads'
import { AddSlot, PhotoSlot } from '../../components/photo-slot'
import { ChipGroup } from '../../components/chip-group'
import { CostBar } from '../../components/cost-bar'
import { Skeleton } from '../../components/skeleton'
import { useFreshUrls } from '../../hooks/use-fresh'
import './index.css'
import { pressable } from '../../components/pressable'

type Ratio = '3:4' | '1:1' | '9:16' | '4:3' | '16:9'
type Gender = 'female' | 'male'

const COUNTS = [1, 2, 3, 4].map((n) => ({ value: n, label: `${n} 张` }))
const RATIOS: ReadonlyArray<{ value: Ratio; label: string }> = [
  { value: '3:4', label: '3:4' },
  { value: '1:1', label: '1:1' },
  { value: '9:16', label: '9:16' },
  { value: '4:3', label: '4:3' },
  { value: '16:9', label: '16:9' },
]
const GENDERS: ReadonlyArray<{ value: Gender; label: string }> = [
  { value: 'female', label: '女模特' },
  { value: 'male', label: '男模特' },
]

export default function Photography() {
  const router = useRouter()
  const profile = useProfile()
  const uploads = useUploads(4)
  const [scenes, setScenes] = useState<Scene[] | null>(null)
  const [sceneError, setSceneError] = useState<string | null>(null)
  const [sceneId, setSceneId] = useState<string | null>(router.params.scene_id ?? null)
  const [count, setCount] = useState(1)
  const [ratio, setRatio] = useState<Ratio>('3:4')
  const [gender, setGender] = useState<Gender>('female')
  const [busy, setBusy] = useState(false)
  const [loadedAt, setLoadedAt] = useState<number | null>(null)
  const attempt = useRef(createAttempt()).current

  async function loadScenes() {
    setSceneError(null)
    try {
      const res = await api.scenes.list({})
      setScenes(res.items)
      setLoadedAt(Date.now())
      setSceneId((id) => id ?? res.items[0]?._id ?? null)
    } catch (e) {
      setSceneError(errorMessage(e))
    }
  }

  useEffect(() => {
    ensureSession().catch(() => {})
    void loadScenes()
  }, [])

  const { onImageError } = useFreshUrls(loadedAt, loadScenes)
  const pricing = usePricing()
  const cost = pricing ? photographyCost(pricing, count) : null
  const selectedScene = useMemo(() => scenes?.find((s) => s._id === sceneId) ?? null, [scenes, sceneId])
  const ready = uploads.fileIds.length > 0 && !uploads.uploading && selectedScene !== null && cost !== null
  const hint = uploads.slots.length === 0 ? '请先上传服装' : uploads.uploading ? '图片上传中' : !selectedScene ? '请选择场景' : undefined

  async function generate() {
    if (!ready || !selectedScene || busy) return
    setBusy(true)
    try {
      const out = await attempt((request_id) =>
        api.photography.generate({
          garment_images: uploads.fileIds,
          scene_id: selectedScene._id,
          count,
          options: { aspect_ratio: ratio, gender },
          request_id,
        }),
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
      <View className='section card'>
        <View className='row between'>
          <View className='section-title'>上传服装</View>
          <View className='faint'>{uploads.slots.length}/4 · 平铺或挂拍，背景越干净越好</View>
        </View>
        <View className='slots'>
          {uploads.slots.map((s) => (
            <PhotoSlot key={s.key} value={s} onRemove={() => uploads.remove(s.key)} onRetry={() => void uploads.retry(s.key)} />
          ))}
          {!uploads.full ? <AddSlot label='添加服装' sub='最多 4 张' onClick={() => void uploads.add()} /> : null}
        </View>
      </View>

      <View className='section card'>
        <View className='row between'>
          <View className='section-title'>选择场景</View>
          {selectedScene ? <View className='faint'>{selectedScene.name}</View> : null}
        </View>
        {sceneError ? (
          <View className='inline-error' onClick={() => void loadScenes()} {...pressable()}>
            {sceneError}，点击重试
          </View>
        ) : scenes === null ? (
          <View className='row scene-row'>
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} width={200} height={260} radius={20} marginRight={16} />
            ))}
          </View>
        ) : (
          <ScrollView scrollX className='scene-scroll' enhanced showScrollbar={false}>
            <View className='row scene-row'>
              {scenes.map((s) => (
                <View key={s._id} className={`scene-pick ${s._id === sceneId ? 'scene-pick-on' : ''}`} onClick={() => setSceneId(s._id)} {...pressable(`场景 ${s.name}`)}>
                  {s.thumbnail_url ? (
                    <Image className='scene-pick-img' src={s.thumbnail_url} mode='aspectFill' lazyLoad onError={onImageError} />
                  ) : (
                    <View className={`scene-pick-img scene-ph scene-ph-${s.category}`}>{s.name.slice(0, 2)}</View>
                  )}
                  <View className='scene-pick-name ellipsis'>{s.name}</View>
                </View>
              ))}
            </View>
          </ScrollView>
        )}
      </View>

      <View className='section card'>
        <View className='section-title'>生成设置</View>
        <View className='opt-label'>数量</View>
        <ChipGroup options={COUNTS} value={count} onChange={setCount} />
        <View className='opt-label'>画面比例</View>
        <ChipGroup options={RATIOS} value={ratio} onChange={setRatio} />
        <View className='opt-label'>模特</View>
        <ChipGroup options={GENDERS} value={gender} onChange={setGender} />
      </View>

      <CostBar cost={cost} balance={profile?.credits ?? null} busy={busy} ready={ready} hint={hint} onGenerate={generate} />
    </View>
  )
}
