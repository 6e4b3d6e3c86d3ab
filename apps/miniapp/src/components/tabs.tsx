import { View } from '@tarojs/components'
import { tabItem, tabList } from './pressable'

export interface TabItem<K extends string> {
  key: K
  label: string
}

/** Segmented tabs with an underline; each tab is a full-height (44 pt) tap target. */
export function Tabs<K extends string>(props: { items: ReadonlyArray<TabItem<K>>; value: K; onChange: (key: K) => void; label?: string }) {
  return (
    <View className='tabs' {...tabList(props.label ?? '分类')}>
      {props.items.map((item) => (
        <View
          key={item.key}
          className={`tab ${item.key === props.value ? 'tab-on' : ''}`}
          onClick={() => item.key !== props.value && props.onChange(item.key)}
          {...tabItem(item.key === props.value)}
        >
          {item.label}
        </View>
      ))}
    </View>
  )
}
