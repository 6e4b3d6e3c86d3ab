/** 任务: stuck and failed first (the default filters), then everything; type and user filters; tap for the detail. */
import { useCallback, useEffect, useState } from 'react'
import { Button, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { ActionInput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { ensureSession } from '../../services/session'
import { formatDate } from '../../services/ui'
import { useListGestures, usePaged } from '../../hooks/use-paged'
import { ErrorView } from '../../components/state-view'
import { Field, FilterChips, MODE_LABEL, TASK_STATUS, Tag } from '../shared/ui'
import '../shared/admin.css'
import { pressable } from '../../components/pressable'

type Filter = NonNullable<ActionInput<'admin/searchTasks'>['filter']>
const FILTERS: ReadonlyArray<{ key: Filter; label: string }> = [
  { key: 'stuck', label: '卡住' },
  { key: 'failed', label: '失败' },
  { key: 'active', label: '进行中' },
  { key: 'completed', label: '已完成' },
  { key: 'cancelled', label: '已取消' },
  { key: 'all', label: '全部' },
]
type TypeFilter = 'any' | 'photography' | 'fitting'
const TYPES: ReadonlyArray<{ key: TypeFilter; label: string }> = [
  { key: 'any', label: '全部类型' },
  { key: 'photography', label: '服装摄影' },
  { key: 'fitting', label: '虚拟试衣' },
]

export default function Tasks() {
  const [filter, setFilter] = useState<Filter>('failed')
  const [type, setType] = useState<TypeFilter>('any')
  const [openid, setOpenid] = useState('')
  const [applied, setApplied] = useState('')
  const fetchPage = useCallback(
    async (cursor: string | undefined) => {
      await ensureSession()
      return api.call('admin/searchTasks', {
        filter,
        pageSize: 20,
        ...(type !== 'any' ? { type } : {}),
        ...(applied ? { openid: applied } : {}),
        ...(cursor ? { cursor } : {}),
      })
    },
    [filter, type, applied],
  )
  const list = usePaged(fetchPage)
  useEffect(() => {
    void list.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter, type, applied])
  useListGestures(list)

  return (
    <View className='pg adm'>
      <FilterChips items={FILTERS} value={filter} onChange={setFilter} />
      <FilterChips items={TYPES} value={type} onChange={setType} />
      <View className='section card'>
        <Field label='按用户 openid 筛选' value={openid} onInput={setOpenid} placeholder='留空为全部用户' />
        <Button className='btn btn-small btn-ghost' onClick={() => setApplied(openid.trim())}>
          应用筛选
        </Button>
      </View>
      {list.status === 'error' && list.items.length === 0 ? (
        <ErrorView message={list.error ?? ''} onRetry={list.reload} />
      ) : (
        <View className='section card'>
          {list.loaded && list.items.length === 0 ? <View className='adm-empty'>没有符合条件的任务</View> : null}
          {list.items.map((t) => (
            <View key={t._id} className='adm-row task-row' {...pressable()} onClick={() => Taro.navigateTo({ url: `/package-admin/task/index?id=${t._id}` })}>
              <View className='adm-row-main'>
                <View>
                  <Tag tone={TASK_STATUS[t.status]?.tone}>{TASK_STATUS[t.status]?.label ?? t.status}</Tag>
                  {t.stuck ? <Tag tone='warn'>卡住</Tag> : null}
                  {t.error && (t.status === 'pending' || t.status === 'processing') ? <Tag tone='warn'>待重试</Tag> : null}
                  {MODE_LABEL[t.type] ?? t.type} · {t.cost} 积分{t.refunded > 0 ? ` · 已退 ${t.refunded}` : ''}
                </View>
                {t.error ? <View className='adm-err ellipsis'>{t.error}</View> : null}
                <View className='adm-mono'>
                  {formatDate(t.created_at)} · {t.user_openid} · 尝试 {t.attempts}
                </View>
              </View>
              <View className='faint'>›</View>
            </View>
          ))}
          {list.status === 'more' ? <View className='adm-empty'>加载中…</View> : null}
        </View>
      )}
    </View>
  )
}
