import { View } from '@tarojs/components'

/** Single-choice chips for generation options. */
export function ChipGroup<V extends string | number>(props: {
  options: ReadonlyArray<{ value: V; label: string }>
  value: V
  onChange: (value: V) => void
}) {
  return (
    <View className='chips'>
      {props.options.map((o) => (
        <View key={String(o.value)} className={`chip ${o.value === props.value ? 'chip-on' : ''}`} onClick={() => props.onChange(o.value)}>
          {o.label}
        </View>
      ))}
    </View>
  )
}
