import { View } from '@tarojs/components'

export function CreditsChip(props: { credits: number | null | undefined; onClick?: () => void }) {
  return (
    <View className='credits-chip' onClick={props.onClick}>
      <View className='credits-dot'>积</View>
      {props.credits ?? '--'}
    </View>
  )
}
