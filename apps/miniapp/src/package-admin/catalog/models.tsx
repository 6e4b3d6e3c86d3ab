/** 模特库: the library models in display order (move up/down, show/hide); new models come from the onmodel admin actions. */
import { Image, View } from '@tarojs/components'
import { api } from '../../services/api'
import { toastError, toastSuccess } from '../../services/ui'
import { pressable } from '../../components/pressable'
import { ErrorView } from '../../components/state-view'
import { Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'

const GENDER: Record<string, string> = { female: '女', male: '男' }
const AGE: Record<string, string> = { child: '儿童', young: '青年', adult: '成年', senior: '中老年' }
const SOURCE: Record<string, string> = { licensed: '授权', generated: 'AI 生成', drawn: '示意插画', }

export function Models() {
  const { data, error, reload } = useLoad(() => api.call('admin/listModels', {}), [])
  const models = data?.items ?? []

  async function move(i: number, dir: -1 | 1) {
    const j = i + dir
    if (j < 0 || j >= models.length) return
    const ids = models.map((m) => m._id)
    ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
    try {
      await api.call('admin/reorderModels', { ids })
      await reload()
    } catch (e) {
      toastError(e)
    }
  }

  async function toggle(id: string, active: boolean) {
    try {
      await api.call('admin/setModelActive', { _id: id, is_active: active })
      toastSuccess(active ? '已上架' : '已下架')
      await reload()
    } catch (e) {
      toastError(e)
    }
  }

  if (error) return <ErrorView message={error} onRetry={reload} />
  return (
    <View className='section card'>
      {data && models.length === 0 ? <View className='adm-empty'>模特库为空</View> : null}
      {models.map((m, i) => (
        <View key={m._id} className='adm-row model-row'>
          {m.thumbnail_url ? <Image className='adm-thumb' src={m.thumbnail_url} mode='aspectFill' /> : <View className='adm-thumb' />}
          <View className='adm-row-main'>
            <View className='ellipsis'>{m.name}</View>
            <View>
              <Tag>{`${GENDER[m.gender] ?? m.gender} · ${AGE[m.age] ?? m.age}`}</Tag>
              <Tag tone={m.is_active ? 'ok' : undefined}>{m.is_active ? '上架' : '下架'}</Tag>
              <Tag>{SOURCE[m.source] ?? m.source}</Tag>
            </View>
            <View className='faint ellipsis'>{m.licence}</View>
            <View className='adm-actions'>
              <View className='adm-chip' {...pressable()} onClick={() => void move(i, -1)}>
                上移
              </View>
              <View className='adm-chip' {...pressable()} onClick={() => void move(i, 1)}>
                下移
              </View>
              <View className='adm-chip' {...pressable()} onClick={() => void toggle(m._id, !m.is_active)}>
                {m.is_active ? '下架' : '上架'}
              </View>
            </View>
          </View>
        </View>
      ))}
    </View>
  )
}
