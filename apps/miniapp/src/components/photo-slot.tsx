import { Image, View } from '@tarojs/components'
import './photo-slot.css'
import { pressable } from './pressable'

export type SlotStatus = 'uploading' | 'done' | 'error'

export interface PhotoSlotValue {
  key: string
  path: string
  status: SlotStatus
  fileId?: string
  error?: string
}

/** One picked photo with its upload state; tap the × to remove, tap a failed one to retry. */
export function PhotoSlot(props: { value: PhotoSlotValue; onRemove: () => void; onRetry: () => void; tall?: boolean }) {
  const v = props.value
  return (
    <View className={`slot ${props.tall ? 'slot-tall' : ''}`} onClick={v.status === 'error' ? props.onRetry : undefined} {...(v.status === 'error' ? pressable('上传失败，点击重试') : {})}>
      <Image className='slot-img' src={v.path} mode='aspectFill' />
      {v.status === 'uploading' ? <View className='slot-mask'>上传中…</View> : null}
      {v.status === 'error' ? <View className='slot-mask slot-error'>上传失败，点击重试</View> : null}
      <View
        className='slot-remove'
        {...pressable('移除图片')}
        onClick={(e) => {
          e.stopPropagation()
          props.onRemove()
        }}
      >
        ×
      </View>
    </View>
  )
}

/** The "add a photo" tile. */
export function AddSlot(props: { label: string; sub?: string; onClick: () => void; tall?: boolean }) {
  return (
    <View className={`slot slot-add ${props.tall ? 'slot-tall' : ''}`} onClick={props.onClick} {...pressable(props.label)}>
      <View className='slot-plus'>+</View>
      <View className='slot-label'>{props.label}</View>
      {props.sub ? <View className='faint'>{props.sub}</View> : null}
    </View>
  )
}
