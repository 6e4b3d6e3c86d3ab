import { useCallback, useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { WorkSummary } from '@aiphoto/contract'
import { api } from '../../services/api'
import { ensureSession } from '../../services/session'
import { useListGestures, usePaged } from '../../hooks/use-paged'
import { Tabs } from '../../components/tabs'
import { Skeleton } from '../../components/skeleton'
import { ErrorView, StateView } from '../../components/state-view'
import { WorkCard } from '../../components/work-card'
import { useFreshUrls } from '../../hooks/use-fresh'
import './index.css'

type Tab = 'all' | 'photography' | 'fitting' | 'favorite'
const TABS: ReadonlyArray<{ key: Tab; label: string }> = [
  { key: 'all', label: '全部' },
  { key: 'photography', label: '摄影' },
  { key: 'fitting', label: '试衣' },
  { key: 'favorite', label: '收藏' },
]
const EMPTY_TEXT: Record<Tab, string> = {
  all: '还没有作品，去生成第一张商拍图吧',
  photography: '还没有服装摄影作品',
  fitting: '还没有虚拟试衣作品',
  favorite: '收藏的作品会出现在这里',
}

export default function Works() {
  const [tab, setTab] = useState<Tab>('all')
  const fetchPage = useCallback(
    async (cursor: string | undefined) => {
      await ensureSession()
      return api.works.list({ tab, pageSize: 12, ...(cursor ? { cursor } : {}) })
    },
    [tab],
  )
  const list = usePaged<WorkSummary>(fetchPage)

  useEffect(() => {
    void list.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tab])

  // Coming back from a detail page (deleted, favourited) or a finished generation shows fresh data.
  useDidShow(() => {
    if (list.loaded) void list.reload()
  })
  useListGestures(list)
  // A tab page can stay open past the covers' signed URLs (1 h).
  const { onImageError } = useFreshUrls(list.loadedAt, list.reload)

  return (
    <View className='pg'>
      <Tabs items={TABS} value={tab} onChange={setTab} />
      {list.status === 'error' && list.items.length === 0 ? (
        <ErrorView message={list.error ?? ''} onRetry={list.reload} />
      ) : !list.loaded || (list.status === 'loading' && list.items.length === 0) ? (
        <View className='works-grid'>
          {[0, 1, 2, 3].map((i) => (
            <View key={i} className='works-sk'>
              <Skeleton height={440} radius={20} />
              <Skeleton height={32} width='50%' marginTop={16} />
            </View>
          ))}
        </View>
      ) : list.items.length === 0 ? (
        <StateView
          mark='作'
          title='暂无作品'
          text={EMPTY_TEXT[tab]}
          actionText={tab === 'favorite' ? undefined : '去创作'}
          onAction={() => Taro.switchTab({ url: '/pages/index/index' })}
        />
      ) : (
        <>
          <View className='works-grid'>
            {list.items.map((w) => (
              <WorkCard
                key={w._id}
                work={w}
                onImageError={onImageError}
                onClick={() =>
                  w.status === 'pending' || w.status === 'processing'
                    ? Taro.navigateTo({ url: `/package-create/progress/index?task_id=${w.task_id}&work_id=${w._id}` })
                    : Taro.navigateTo({ url: `/package-works/detail/index?id=${w._id}` })
                }
              />
            ))}
          </View>
          <View className='list-end'>{list.status === 'more' ? '加载中…' : list.hasMore ? '上拉加载更多' : '— 已经到底了 —'}</View>
        </>
      )}
    </View>
  )
}
