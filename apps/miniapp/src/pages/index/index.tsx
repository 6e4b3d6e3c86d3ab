import { useCallback, useEffect, useState } from 'react'
import { Image, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter, useShareAppMessage } from '@tarojs/taro'
import type { Scene } from '@aiphoto/contract'
import { errorMessage } from '@aiphoto/client'
import { api } from '../../services/api'
import { ensureSession, rememberInvite, useProfile } from '../../services/session'
import { CreditsChip } from '../../components/credits-chip'
import { Skeleton } from '../../components/skeleton'
import { ErrorView, StateView } from '../../components/state-view'
import { Tabs } from '../../components/tabs'
import { goGetCredits } from '../../services/platform'
import { useFreshUrls } from '../../hooks/use-fresh'
import './index.css'
import { pressable } from '../../components/pressable'

type Category = Scene['category'] | 'all'
const CATEGORIES: ReadonlyArray<{ key: Category; label: string }> = [
  { key: 'all', label: '全部' },
  { key: 'studio', label: '影棚' },
  { key: 'indoor', label: '室内' },
  { key: 'outdoor', label: '户外' },
  { key: 'street', label: '街拍' },
]

export default function Home() {
  const router = useRouter()
  const profile = useProfile()
  const [scenes, setScenes] = useState<Scene[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [category, setCategory] = useState<Category>('all')
  const [loadedAt, setLoadedAt] = useState<number | null>(null)

  const load = useCallback(async () => {
    setError(null)
    try {
      const res = await api.scenes.list({})
      setScenes(res.items)
      setLoadedAt(Date.now())
    } catch (e) {
      setError(errorMessage(e))
    }
  }, [])

  useEffect(() => {
    rememberInvite(router.params.invite)
    void load()
  }, [load, router.params.invite])

  useDidShow(() => {
    ensureSession().catch(() => {})
  })
  // A tab page stays alive for the whole session; its signed thumbnails must not outlive their URLs.
  const { onImageError } = useFreshUrls(loadedAt, load)

  usePullDownRefresh(() => {
    void Promise.all([load(), ensureSession().catch(() => {})]).finally(() => Taro.stopPullDownRefresh())
  })

  useShareAppMessage(() => ({
    title: 'AI摄影师：上传衣服，一键生成模特实拍图',
    path: profile ? `/pages/index/index?invite=${profile.invite_code}` : '/pages/index/index',
  }))

  const shown = (scenes ?? []).filter((s) => category === 'all' || s.category === category)
  const goPhotography = (sceneId?: string) =>
    Taro.navigateTo({ url: `/package-create/photography/index${sceneId ? `?scene_id=${sceneId}` : ''}` })

  return (
    <View className='pg home'>
      <View className='home-hero'>
        <View className='row between'>
          <View className='col'>
            <View className='home-title'>一键出商拍大片</View>
            <View className='home-sub'>上传服装平铺图，AI 帮你拍摄与试穿</View>
          </View>
          <CreditsChip credits={profile?.credits} onClick={goGetCredits} />
        </View>
        <View className='home-entries'>
          <View className='entry entry-photo' onClick={() => goPhotography()} {...pressable('服装摄影：开始拍摄')}>
            <View className='entry-name'>服装摄影</View>
            <View className='entry-desc'>平铺图秒变模特图</View>
            <View className='entry-go'>开始拍摄 →</View>
          </View>
          <View className='entry entry-fit' onClick={() => Taro.navigateTo({ url: '/package-create/fitting/index' })} {...pressable('虚拟试衣：立即试穿')}>
            <View className='entry-name'>虚拟试衣</View>
            <View className='entry-desc'>人像一键换装</View>
            <View className='entry-go'>立即试穿 →</View>
          </View>
        </View>
      </View>

      <View className='section'>
        <View className='section-title'>热门场景</View>
      </View>
      <Tabs items={CATEGORIES} value={category} onChange={setCategory} />
      {error ? (
        <ErrorView message={error} onRetry={load} />
      ) : scenes === null ? (
        <View className='scene-grid'>
          {[0, 1, 2, 3].map((i) => (
            <View key={i} className='scene-card'>
              <Skeleton height={300} radius={20} />
              <Skeleton height={32} width='60%' marginTop={16} />
            </View>
          ))}
        </View>
      ) : shown.length === 0 ? (
        <StateView mark='景' title='暂无场景' text='该分类下还没有场景，换个分类看看' />
      ) : (
        <View className='scene-grid'>
          {shown.map((s) => (
            <View key={s._id} className='scene-card' onClick={() => goPhotography(s._id)} {...pressable(`场景 ${s.name}`)}>
              {s.thumbnail_url ? (
                <Image className='scene-img' src={s.thumbnail_url} mode='aspectFill' lazyLoad onError={onImageError} />
              ) : (
                <View className={`scene-img scene-ph scene-ph-${s.category}`}>{s.name.slice(0, 2)}</View>
              )}
              <View className='scene-name ellipsis'>{s.name}</View>
              <View className='faint ellipsis'>{s.description}</View>
            </View>
          ))}
        </View>
      )}
      <View className='list-end'>选择场景即可开始拍摄</View>
    </View>
  )
}
