import { Image, ScrollView, View } from '@tarojs/components'
import type { Scene } from '@aiphoto/contract'
import { Skeleton } from '../../components/skeleton'
import { pressable } from '../../components/pressable'

/** The scenes as thumbnails; `noneLabel` adds a first tile for "no scene step" (模特图 keeps the model photo's backdrop). */
export function ScenePicker(props: {
  scenes: Scene[] | null
  error: string | null
  onRetry: () => void
  value: string | null
  onChange: (id: string | null) => void
  noneLabel?: string
  onImageError: () => void
}) {
  if (props.error) {
    return (
      <View className='inline-error' onClick={props.onRetry} {...pressable()}>
        {props.error}，点击重试
      </View>
    )
  }
  if (props.scenes === null) {
    return (
      <View className='row pick-row'>
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} width={200} height={260} radius={20} marginRight={16} />
        ))}
      </View>
    )
  }
  return (
    <ScrollView scrollX className='pick-scroll' enhanced showScrollbar={false}>
      <View className='row pick-row'>
        {props.noneLabel ? (
          <View className={`scene-pick ${props.value === null ? 'scene-pick-on' : ''}`} onClick={() => props.onChange(null)} {...pressable(props.noneLabel)}>
            <View className='scene-pick-img scene-ph scene-ph-none'>原背景</View>
            <View className='scene-pick-name ellipsis'>{props.noneLabel}</View>
          </View>
        ) : null}
        {props.scenes.map((s) => (
          <View key={s._id} className={`scene-pick ${s._id === props.value ? 'scene-pick-on' : ''}`} onClick={() => props.onChange(s._id)} {...pressable(`场景 ${s.name}`)}>
            {s.thumbnail_url ? (
              <Image className='scene-pick-img' src={s.thumbnail_url} mode='aspectFill' lazyLoad onError={props.onImageError} />
            ) : (
              <View className={`scene-pick-img scene-ph scene-ph-${s.category}`}>{s.name.slice(0, 2)}</View>
            )}
            <View className='scene-pick-name ellipsis'>{s.name}</View>
          </View>
        ))}
      </View>
    </ScrollView>
  )
}
