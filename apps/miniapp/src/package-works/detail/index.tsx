import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Image, Swiper, SwiperItem, View } from '@tarojs/components'
import Taro, { useRouter, useShareAppMessage } from '@tarojs/taro'
import type { WorkDetail } from '@aiphoto/contract'
import { errorMessage } from '@aiphoto/client'
import { api } from '../../services/api'
import { ensureSession, setCredits, useProfile } from '../../services/session'
import { copyText, saveImage } from '../../services/media'
import { createAttempt, goToProgress } from '../../services/generate'
import { confirm, formatDate, toastError, toastSuccess, toastText } from '../../services/ui'
import { Skeleton } from '../../components/skeleton'
import { ErrorView } from '../../components/state-view'
import { useFreshUrls } from '../../hooks/use-fresh'
import './index.css'
import { pressState } from '../../components/press-state'

export default function Detail() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const profile = useProfile()
  const [work, setWork] = useState<WorkDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [current, setCurrent] = useState(0)
  const [busy, setBusy] = useState<null | 'save' | 'fav' | 'delete' | 'again'>(null)
  const [loadedAt, setLoadedAt] = useState<number | null>(null)
  const attempt = useRef(createAttempt()).current

  const load = useCallback(async () => {
    setError(null)
    try {
      await ensureSession()
      setWork(await api.works.detail({ work_id: id }))
      setLoadedAt(Date.now())
    } catch (e) {
      setError(errorMessage(e))
    }
  }, [id])

  useEffect(() => {
    void load()
  }, [load])
  const { onImageError } = useFreshUrls(loadedAt, load)

  useShareAppMessage(() => ({
    title: '看看我用 AI摄影师 生成的商拍图',
    path: profile ? `/pages/index/index?invite=${profile.invite_code}` : '/pages/index/index',
    imageUrl: work?.image_urls[current],
  }))

  const urls = work?.image_urls ?? []

  async function save() {
    const url = urls[current]
    const fileId = work?.images[current] ?? ''
    if (!url || busy) return
    setBusy('save')
    try {
      const index = current
      const res = await saveImage({ fileId, url }, async () => (await api.works.detail({ work_id: id })).image_urls[index] ?? url)
      if (res === 'saved') toastSuccess(process.env.TARO_ENV === 'weapp' ? '已保存到相册' : '已开始下载')
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(null)
    }
  }

  async function toggleFavorite() {
    if (!work || busy) return
    setBusy('fav')
    try {
      const res = await api.works.toggleFavorite({ work_id: work._id })
      setWork({ ...work, is_favorite: res.is_favorite })
      toastText(res.is_favorite ? '已收藏' : '已取消收藏')
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(null)
    }
  }

  async function remove() {
    if (!work || busy) return
    const ok = await confirm({ title: '删除作品？', content: '删除后图片无法恢复。', confirmText: '删除', danger: true })
    if (!ok) return
    setBusy('delete')
    try {
      const res = await api.works.remove({ work_id: work._id })
      if (res.refunded > 0 && profile) setCredits(profile.credits + res.refunded)
      toastSuccess('已删除')
      setTimeout(() => void Taro.navigateBack().catch(() => Taro.switchTab({ url: '/pages/works/index' })), 600)
    } catch (e) {
      toastError(e)
      setBusy(null)
    }
  }

  async function again() {
    if (!work || busy) return
    setBusy('again')
    try {
      const out = await attempt((request_id) =>
        work.type === 'photography'
          ? api.photography.generate({ from_work_id: work._id, request_id })
          : api.fitting.generate({ from_work_id: work._id, request_id }),
      )
      goToProgress(out)
    } catch (e) {
      toastError(e)
      setBusy(null)
    }
  }

  function shareH5() {
    if (process.env.TARO_ENV !== 'h5') return
    const url = urls[current]
    if (url) void copyText(url, '图片链接已复制')
  }

  if (error) return <View className='pg'><ErrorView message={error} onRetry={load} /></View>
  if (!work) {
    return (
      <View className='pg'>
        <Skeleton height={1000} radius={0} />
        <View className='section'>
          <Skeleton height={40} width='50%' />
          <Skeleton height={28} width='70%' marginTop={16} />
        </View>
      </View>
    )
  }

  return (
    <View className='pg detail'>
      {urls.length > 0 ? (
        <View className='detail-swiper-box'>
          <Swiper className='detail-swiper' current={current} onChange={(e) => setCurrent(e.detail.current)} circular={false}>
            {urls.map((u, i) => (
              <SwiperItem key={u}>
                <Image className='detail-img' src={u} mode='aspectFit' onError={onImageError} onClick={() => Taro.previewImage({ urls, current: urls[i] })} />
              </SwiperItem>
            ))}
          </Swiper>
          {urls.length > 1 ? <View className='detail-counter'>{current + 1}/{urls.length}</View> : null}
        </View>
      ) : (
        <View className='detail-swiper detail-empty'>
          {work.status === 'failed' ? work.error || '生成失败' : work.status === 'cancelled' ? '已取消' : '生成中…'}
        </View>
      )}

      <View className='section card'>
        <View className='row between'>
          <View className='detail-type'>{work.type === 'photography' ? '服装摄影' : '虚拟试衣'}</View>
          <View className='faint'>{formatDate(work.created_at)}</View>
        </View>
        <View className='muted detail-sub'>
          消耗 {work.cost} 积分{work.refunded > 0 ? ` · 已退回 ${work.refunded}` : ''} · {work.image_count} 张
        </View>
        <View className='row detail-tools'>
          <Button className='btn btn-small btn-plain grow' {...pressState({ disabled: busy !== null })} onClick={toggleFavorite}>
            {work.is_favorite ? '★ 已收藏' : '☆ 收藏'}
          </Button>
          {process.env.TARO_ENV === 'weapp' ? (
            <Button className='btn btn-small btn-plain grow' openType='share'>
              分享
            </Button>
          ) : (
            <Button className='btn btn-small btn-plain grow' onClick={shareH5}>
              分享
            </Button>
          )}
          <Button className='btn btn-small btn-danger grow' {...pressState({ disabled: busy !== null })} onClick={remove}>
            删除
          </Button>
        </View>
      </View>

      <View className='action-bar-spacer' />
      <View className='action-bar row detail-bar'>
        <Button className='btn btn-ghost grow' {...pressState({ busy: busy === 'save', disabled: busy !== null || urls.length === 0 })} onClick={save}>
          {process.env.TARO_ENV === 'weapp' ? '保存到相册' : '下载图片'}
        </Button>
        <Button className='btn grow' {...pressState({ busy: busy === 'again', disabled: busy !== null })} onClick={again}>
          再来一张
        </Button>
      </View>
    </View>
  )
}
