import { View } from '@tarojs/components'
import type { CSSProperties } from 'react'

/** A shimmering placeholder block of the given size (design px). */
export function Skeleton(props: { width?: string; height: string; radius?: string; style?: CSSProperties; className?: string }) {
  return (
    <View
      className={`sk ${props.className ?? ''}`}
      style={{ width: props.width ?? '100%', height: props.height, borderRadius: props.radius, ...props.style }}
    />
  )
}
