import { useEffect, useRef, useState } from 'react'
import Taro from '@tarojs/taro'
import { Image, ScrollView, View } from '@tarojs/components'
import type { Scene } from '@aiphoto/contract'
import { Skeleton } from '../../components/skeleton'
import { pressable } from '../../components/pressable'

/** .scene-pick width + margin-right, in design px. */
const TILE = 200 + 16

function windowWidth(): number {
  try {
    return Taro.getWindowInfo().windowWidth || 375
  } catch {
    return 375
  }
}

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
  // A scene chosen for the user (a 画同款 preset's) is scrolled into sight instead of sitting off-screen to the
  // right; one the user taps is already in sight, so their scrolling is left alone. Tiles are TILE design px
  // apart (width + margin in index.css); design px are windowWidth / 750 runtime px on weapp and H5 alike.
  const tapped = useRef(false)
  const [left, setLeft] = useState<number | undefined>(undefined)
  useEffect(() => {
    if (!props.scenes || !props.value || tapped.current) return
    const index = props.scenes.findIndex((sc) => sc._id === props.value) + (props.noneLabel ? 1 : 0)
    if (index < 1) return
    const x = Math.max(0, (index - 0.3) * TILE * (windowWidth() / 750))
    setLeft(x)
    // H5 mounts a new page hidden and ignores a scroll offset set then; set it again (a changed value, or the
    // scroll view ignores it) after the page has had time to show, also on a slow phone.
    const again = [400, 1200].map((ms, i) => setTimeout(() => setLeft(x + (i + 1) / 2), ms))
    return () => again.forEach(clearTimeout)
  }, [props.scenes, props.value])
  const choose = (id: string | null) => {
    tapped.current = true
    props.onChange(id)
  }
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
    <ScrollView scrollX className='pick-scroll' enhanced showScrollbar={false} scrollLeft={left}>
      <View className='row pick-row'>
        {props.noneLabel ? (
          <View className={`scene-pick ${props.value === null ? 'scene-pick-on' : ''}`} onClick={() => choose(null)} {...pressable(props.noneLabel)}>
            <View className='scene-pick-img scene-ph scene-ph-none'>原背景</View>
            <View className='scene-pick-name ellipsis'>{props.noneLabel}</View>
          </View>
        ) : null}
        {props.scenes.map((s) => (
          <View key={s._id} className={`scene-pick ${s._id === props.value ? 'scene-pick-on' : ''}`} onClick={() => choose(s._id)} {...pressable(`场景 ${s.name}`)}>
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
