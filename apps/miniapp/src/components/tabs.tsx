import { View } from '@tarojs/components'

export interface TabItem<K extends string> {
  key: K
  label: string
}

/** Segmented tabs with an underline; each tab is a full-height (44 pt) tap target. */
export function Tabs<K extends string>(props: { items: ReadonlyArray<TabItem<K>>; value: K; onChange: (key: K) => void }) {
  return (
    <View className='tabs'>
      {props.items.map((item) => (
        <View
          key={item.key}
          className={`tab ${item.key === props.value ? 'tab-on' : ''}`}
          onClick={() => item.key !== props.value && props.onChange(item.key)}
        >
          {item.label}
        </View>
      ))}
    </View>
  )
}
