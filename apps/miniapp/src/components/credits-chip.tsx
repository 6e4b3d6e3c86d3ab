import { View } from '@tarojs/components'
import { pressable } from './pressable'

export function CreditsChip(props: { credits: number | null | undefined; onClick?: () => void }) {
  return (
    <View className='credits-chip' onClick={props.onClick} {...pressable(`积分 ${props.credits ?? '--'}`)}>
      <View className='credits-dot'>积</View>
      {props.credits ?? '--'}
    </View>
  )
}
