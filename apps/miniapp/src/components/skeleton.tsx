import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'

/** A length in design px (750-wide design), or a percentage string such as '60%'. */
export type DesignLength = number | `${number}%`

/** Inline styles are not run through Taro's px → rpx transform, so design px go through Taro.pxTransform here. */
const len = (v: DesignLength | undefined): string | undefined => (typeof v === 'number' ? Taro.pxTransform(v) : v)

/** A shimmering placeholder block of the given size (design px). */
export function Skeleton(props: {
  width?: DesignLength
  height: DesignLength
  radius?: number
  marginTop?: number
  marginRight?: number
  marginBottom?: number
  className?: string
}) {
  const style: Record<string, string> = { width: len(props.width) ?? '100%', height: len(props.height) ?? '0' }
  if (props.radius !== undefined) style.borderRadius = len(props.radius) ?? '0'
  if (props.marginTop !== undefined) style.marginTop = len(props.marginTop) ?? '0'
  if (props.marginRight !== undefined) style.marginRight = len(props.marginRight) ?? '0'
  if (props.marginBottom !== undefined) style.marginBottom = len(props.marginBottom) ?? '0'
  return <View className={`sk ${props.className ?? ''}`} style={style} />
}
