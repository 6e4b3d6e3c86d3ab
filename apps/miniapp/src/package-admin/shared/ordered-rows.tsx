/**
 * The ordered lists of the console (scenes, library models, showcases): moving a row up or down, showing or hiding
 * it, and the row's action chips — one place for the swap, the reload and the toasts.
 */
import { View } from '@tarojs/components'
import { pressable } from '../../components/pressable'
import { toastError, toastSuccess } from '../../services/ui'

export function orderedRowActions(opts: {
  ids: string[]
  reorder: (ids: string[]) => Promise<unknown>
  setActive?: (id: string, active: boolean) => Promise<unknown>
  reload: () => Promise<unknown>
}) {
  return {
    async move(i: number, dir: -1 | 1) {
      const j = i + dir
      if (j < 0 || j >= opts.ids.length) return
      const ids = [...opts.ids]
      ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
      try {
        await opts.reorder(ids)
        await opts.reload()
      } catch (e) {
        toastError(e)
      }
    },
    async toggle(id: string, active: boolean) {
      if (!opts.setActive) return
      try {
        await opts.setActive(id, active)
        toastSuccess(active ? '已上架' : '已下架')
        await opts.reload()
      } catch (e) {
        toastError(e)
      }
    },
  }
}

/** 上移 / 下移 / 上架·下架 / 编辑 of one row. */
export function RowActions(props: { active: boolean; onMove: (dir: -1 | 1) => void; onToggle: () => void; onEdit: () => void }) {
  return (
    <View className='adm-actions'>
      <View className='adm-chip' {...pressable()} onClick={() => props.onMove(-1)}>
        上移
      </View>
      <View className='adm-chip' {...pressable()} onClick={() => props.onMove(1)}>
        下移
      </View>
      <View className='adm-chip' {...pressable()} onClick={props.onToggle}>
        {props.active ? '下架' : '上架'}
      </View>
      <View className='adm-chip' {...pressable()} onClick={props.onEdit}>
        编辑
      </View>
    </View>
  )
}
