/** Scenes: the list in display order (move up/down, on/off) and a form to add or edit one, with a thumbnail upload. */
import { useState } from 'react'
import { Button, Image, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { ActionInput, ActionOutput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { pickImages, uploadPicked } from '../../services/media'
import { toastError, toastSuccess, toastText } from '../../services/ui'
import { pressState } from '../../components/press-state'
import { ErrorView } from '../../components/state-view'
import { Field, FilterChips, Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'
import { orderedRowActions } from '../shared/ordered-rows'
import { pressable } from '../../components/pressable'

type Scene = ActionOutput<'admin/listScenes'>['items'][number]
type Category = ActionInput<'admin/upsertScene'>['category']
const CATEGORIES: ReadonlyArray<{ key: Category; label: string }> = [
  { key: 'studio', label: '影棚' },
  { key: 'indoor', label: '室内' },
  { key: 'outdoor', label: '户外' },
  { key: 'street', label: '街拍' },
]
const CATEGORY_LABEL = Object.fromEntries(CATEGORIES.map((c) => [c.key, c.label])) as Record<string, string>

interface Draft {
  _id?: string
  name: string
  category: Category
  description: string
  /** Stored file id of a new upload (sent), and what to show (a local preview or the signed URL). */
  thumbnail_file?: string
  preview: string
  parameters: Record<string, string | number | boolean>
  is_active: boolean
  sort_order?: number
}
const empty = (): Draft => ({ name: '', category: 'studio', description: '', preview: '', parameters: {}, is_active: true })

export function Scenes() {
  const { data, error, reload } = useLoad(() => api.call('admin/listScenes', {}), [])
  const [draft, setDraft] = useState<Draft | null>(null)
  const [busy, setBusy] = useState(false)
  const scenes = data?.items ?? []

  const { move } = orderedRowActions({ ids: scenes.map((s) => s._id), reorder: (ids) => api.call('admin/setSceneOrder', { ids }), reload })

  async function save(input: ActionInput<'admin/upsertScene'>, okText: string) {
    setBusy(true)
    try {
      await api.call('admin/upsertScene', input)
      toastSuccess(okText)
      setDraft(null)
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  const toInput = (s: Scene): ActionInput<'admin/upsertScene'> => ({
    _id: s._id,
    name: s.name,
    category: s.category,
    description: s.description,
    parameters: s.parameters as Record<string, string | number | boolean>,
    sort_order: s.sort_order,
    is_active: s.is_active,
  })

  async function upload() {
    try {
      const [picked] = await pickImages(1)
      if (!picked || !draft) return
      Taro.showLoading({ title: '上传中' })
      const asset = await uploadPicked(picked)
      Taro.hideLoading()
      setDraft((d) => (d ? { ...d, thumbnail_file: asset.file_id, preview: picked.path } : d))
    } catch (e) {
      Taro.hideLoading()
      toastError(e)
    }
  }

  function submit() {
    if (!draft) return
    if (!draft.name.trim()) return toastText('请填写场景名称')
    const input: ActionInput<'admin/upsertScene'> = {
      ...(draft._id ? { _id: draft._id } : {}),
      name: draft.name.trim(),
      category: draft.category,
      description: draft.description.trim(),
      parameters: draft.parameters,
      is_active: draft.is_active,
      sort_order: draft.sort_order ?? (scenes.length + 1) * 10,
      ...(draft.thumbnail_file ? { thumbnail_url: draft.thumbnail_file } : {}),
    }
    void save(input, draft._id ? '已保存' : '已新建')
  }

  if (error) return <ErrorView message={error} onRetry={reload} />
  return (
    <View>
      {draft ? (
        <View className='section card scene-form'>
          <View className='adm-title'>{draft._id ? '编辑场景' : '新建场景'}</View>
          <Field label='名称' value={draft.name} onInput={(v) => setDraft({ ...draft, name: v })} placeholder='例如 清新花园' name='scene-name' />
          <View className='adm-label'>类别</View>
          <FilterChips items={CATEGORIES} value={draft.category} onChange={(c) => setDraft({ ...draft, category: c })} />
          <View className='adm-gap' />
          <Field label='描述' value={draft.description} onInput={(v) => setDraft({ ...draft, description: v })} placeholder='一句话描述画面' name='scene-desc' />
          <View className='adm-label'>缩略图</View>
          <View className='row'>
            {draft.preview ? <Image className='adm-thumb scene-preview' src={draft.preview} mode='aspectFill' /> : <View className='adm-thumb' />}
            <Button className='btn btn-small btn-plain scene-upload' onClick={() => void upload()}>
              {draft.preview ? '更换图片' : '上传图片'}
            </Button>
          </View>
          <View className='adm-actions adm-gap'>
            <Button className='btn btn-small grow' {...pressState({ busy })} onClick={submit}>
              保存
            </Button>
            <Button className='btn btn-small btn-plain grow' onClick={() => setDraft(null)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <View className='section'>
          <Button className='btn btn-small btn-ghost' onClick={() => setDraft(empty())}>
            新建场景
          </Button>
        </View>
      )}
      <View className='section card'>
        {scenes.map((s, i) => (
          <View key={s._id} className='adm-row scene-row'>
            {s.thumbnail_url ? <Image className='adm-thumb' src={s.thumbnail_url} mode='aspectFill' /> : <View className={`adm-thumb scene-ph scene-ph-${s.category}`} />}
            <View className='adm-row-main'>
              <View className='ellipsis'>{s.name}</View>
              <View>
                <Tag>{CATEGORY_LABEL[s.category] ?? s.category}</Tag>
                <Tag tone={s.is_active ? 'ok' : undefined}>{s.is_active ? '上架' : '下架'}</Tag>
              </View>
              <View className='adm-actions'>
                <View className='adm-chip' {...pressable()} onClick={() => void move(i, -1)}>上移</View>
                <View className='adm-chip' {...pressable()} onClick={() => void move(i, 1)}>下移</View>
                <View className='adm-chip' {...pressable()} onClick={() => void save({ ...toInput(s), is_active: !s.is_active }, s.is_active ? '已下架' : '已上架')}>
                  {s.is_active ? '下架' : '上架'}
                </View>
                <View
                  className='adm-chip'
                  {...pressable()}
                  onClick={() =>
                    setDraft({ _id: s._id, name: s.name, category: s.category, description: s.description, preview: s.thumbnail_url, parameters: s.parameters as Draft['parameters'], is_active: s.is_active, sort_order: s.sort_order })
                  }
                >
                  编辑
                </View>
              </View>
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
