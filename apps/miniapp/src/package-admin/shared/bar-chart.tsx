/**
 * A bar chart drawn with views (no canvas, no library): the same markup renders in weapp and H5, and costs a few
 * hundred bytes. Several series share a slot side by side (e.g. credits issued vs consumed).
 */
import { View } from '@tarojs/components'

export interface ChartSeries {
  name: string
  color: string
  values: number[]
}

export function BarChart(props: { title: string; labels: string[]; series: ChartSeries[]; format?: (n: number) => string; total?: string }) {
  const format = props.format ?? ((n: number) => String(n))
  const top = Math.max(0, ...props.series.flatMap((s) => s.values))
  const max = Math.max(1, top)
  const n = props.labels.length
  // First, middle and last labels: enough to read the axis at 375 px without crowding 30 days.
  const axis = n <= 1 ? props.labels : [props.labels[0], props.labels[Math.floor((n - 1) / 2)], props.labels[n - 1]]
  return (
    <View className='chart' data-chart={props.title}>
      <View className='chart-head'>
        <View className='chart-name'>{props.title}</View>
        {props.total ? <View className='chart-total'>{props.total}</View> : null}
      </View>
      {props.series.length > 1 ? (
        <View className='chart-legend'>
          {props.series.map((s) => (
            <View key={s.name} className='chart-legend-item'>
              <View className='chart-dot' style={{ background: s.color }} />
              {s.name}
            </View>
          ))}
        </View>
      ) : null}
      <View className='chart-plot'>
        {top > 0 ? <View className='chart-max'>{format(top)}</View> : <View className='chart-empty'>暂无数据</View>}
        {props.labels.map((label, i) => (
          <View key={label} className='chart-slot'>
            {props.series.map((s) => {
              const v = s.values[i] ?? 0
              return <View key={s.name} className='chart-bar' data-value={v} style={{ height: `${(v / max) * 100}%`, background: s.color }} />
            })}
          </View>
        ))}
      </View>
      <View className='chart-axis'>
        {axis.map((l, i) => (
          <View key={`${l}-${i}`}>{l}</View>
        ))}
      </View>
    </View>
  )
}
