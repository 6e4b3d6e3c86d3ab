import { Image, ScrollView, View } from '@tarojs/components'
import type { ModelView } from '@aiphoto/contract'
import type { PhotoSlotValue } from '../../components/photo-slot'
import { Skeleton } from '../../components/skeleton'
import { pressable } from '../../components/pressable'

/** Which model wears the garment: 随机 among the filtered library, one library model, or the seller's own photo. */
export type ModelChoice = { kind: 'random' } | { kind: 'library'; id: string } | { kind: 'own' }

export type ModelFilter = 'all' | 'female' | 'male' | 'child'

const FILTERS: ReadonlyArray<{ value: ModelFilter; label: string }> = [
  { value: 'all', label: '全部' },
  { value: 'female', label: '女模特' },
  { value: 'male', label: '男模特' },
  { value: 'child', label: '童模' },
]

export function matchesFilter(m: ModelView, filter: ModelFilter): boolean {
  if (filter === 'child') return m.age === 'child'
  if (filter === 'all') return true
  return m.gender === filter && m.age !== 'child'
}

export function ModelPicker(props: {
  models: ModelView[] | null
  error: string | null
  onRetry: () => void
  filter: ModelFilter
  onFilter: (f: ModelFilter) => void
  value: ModelChoice
  onChange: (choice: ModelChoice) => void
  own: PhotoSlotValue | null
  onPickOwn: () => void
  onImageError: () => void
}) {
  const shown = (props.models ?? []).filter((m) => matchesFilter(m, props.filter))
  const on = (c: ModelChoice) =>
    c.kind === props.value.kind && (c.kind !== 'library' || (props.value.kind === 'library' && props.value.id === c.id))
  return (
    <View>
      <View className='model-filters row'>
        {FILTERS.map((f) => (
          <View key={f.value} className={`model-filter ${f.value === props.filter ? 'model-filter-on' : ''}`} onClick={() => props.onFilter(f.value)} {...pressable(f.label)}>
            {f.label}
          </View>
        ))}
      </View>
      {props.error ? (
        <View className='inline-error' onClick={props.onRetry} {...pressable()}>
          {props.error}，点击重试
        </View>
      ) : props.models === null ? (
        <View className='row pick-row'>
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} width={160} height={260} radius={20} marginRight={16} />
          ))}
        </View>
      ) : (
        <ScrollView scrollX className='pick-scroll' enhanced showScrollbar={false}>
          <View className='row pick-row'>
            <View className={`model-pick ${on({ kind: 'random' }) ? 'model-pick-on' : ''}`} onClick={() => props.onChange({ kind: 'random' })} {...pressable('随机模特')}>
              <View className='model-pick-img model-ph'>
                <View className='model-ph-mark'>?</View>
              </View>
              <View className='model-pick-name'>随机</View>
            </View>
            {shown.map((m) => (
              <View key={m._id} className={`model-pick ${on({ kind: 'library', id: m._id }) ? 'model-pick-on' : ''}`} onClick={() => props.onChange({ kind: 'library', id: m._id })} {...pressable(`模特 ${m.name}`)}>
                <Image className='model-pick-img' src={m.thumbnail_url} mode='aspectFill' lazyLoad onError={props.onImageError} />
                <View className='model-pick-name ellipsis'>{m.name}</View>
              </View>
            ))}
            <View className={`model-pick ${on({ kind: 'own' }) ? 'model-pick-on' : ''}`} onClick={props.onPickOwn} {...pressable(props.own ? '我的模特' : '上传我的模特')}>
              {props.own ? (
                <View className='model-pick-img model-own'>
                  <Image className='model-pick-img' src={props.own.path} mode='aspectFill' />
                  {props.own.status !== 'done' ? <View className='model-own-mask'>{props.own.status === 'uploading' ? '上传中…' : '上传失败'}</View> : null}
                </View>
              ) : (
                <View className='model-pick-img model-ph model-ph-add'>
                  <View className='model-ph-mark'>+</View>
                </View>
              )}
              <View className='model-pick-name'>{props.own ? '我的模特' : '上传我的模特'}</View>
            </View>
          </View>
        </ScrollView>
      )}
    </View>
  )
}
