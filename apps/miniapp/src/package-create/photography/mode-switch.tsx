import { View } from '@tarojs/components'
import type { PhotographyMode, Pricing } from '@aiphoto/contract'
import { PHOTOGRAPHY_MODES } from '../../services/modes'
import { pressable } from '../../components/pressable'

/** 模特图 / 场景图 / 白底图, each with its price per image before anything is generated (credits, not money). */
export function ModeSwitch(props: { value: PhotographyMode; pricing: Pricing | null; onChange: (mode: PhotographyMode) => void }) {
  return (
    <View className='modes'>
      {PHOTOGRAPHY_MODES.map((m) => (
        <View key={m.value} className={`mode ${m.value === props.value ? 'mode-on' : ''}`} onClick={() => props.onChange(m.value)} {...pressable(`${m.label}：${m.desc}${props.pricing ? `，${props.pricing.modes[m.value]} 积分/张` : ''}`)}>
          <View className='mode-name'>{m.label}</View>
          <View className='mode-desc'>{m.desc}</View>
          <View className='mode-price'>{props.pricing ? `${props.pricing.modes[m.value]} 积分/张` : '…'}</View>
        </View>
      ))}
    </View>
  )
}
