import { View } from '@tarojs/components'

/** Single-choice chips for generation options. */
export function ChipGroup<V extends string | number>(props: {
  options: ReadonlyArray<{ value: V; label: string }>
  value: V
  onChange: (value: V) => void
}) {
  return (
    <View className='chips' {...(process.env.TARO_ENV === 'h5' ? { role: 'radiogroup' } : {})}>
      {props.options.map((o) => (
        <View
          key={String(o.value)}
          className={`chip ${o.value === props.value ? 'chip-on' : ''}`}
          onClick={() => props.onChange(o.value)}
          {...(process.env.TARO_ENV === 'h5' ? { role: 'radio', tabIndex: 0, 'aria-checked': o.value === props.value } : {})}
        >
          {o.label}
        </View>
      ))}
    </View>
  )
}
