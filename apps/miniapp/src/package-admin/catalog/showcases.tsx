/**
 * 画同款 showcases: the list in display order with the cover's image check (move up/down, show/hide, edit) and a
 * form: mode, scene, model, aspect ratio, and the example image — uploaded here, or taken from a work by its id
 * (任务详情 「设为画同款」 opens this form with it). The server copies the image and checks it; users see the
 * showcase once the check passed.
 */
import { useEffect, useState } from 'react'
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
import { orderedRowActions, RowActions } from '../shared/ordered-rows'
import { ASPECTS, COVER_CHECK, PACKSHOT_ASPECT_KEYS, SHOWCASE_MODES, labelOf } from '../shared/model-labels'

type Showcase = ActionOutput<'admin/listShowcases'>['items'][number]
type Input = ActionInput<'admin/upsertShowcase'>
type Aspect = (typeof ASPECTS)[number]['key']

interface Draft {
  _id?: string
  title: string
  mode: Input['mode']
  /** '' = none (随机 for the model). */
  scene_id: string
  model_id: string
  aspect: Aspect
  options: NonNullable<Input['options']>
  /** The new example image: an upload or a work id (else the current one stays). */
  cover: 'upload' | 'work'
  file_id: string
  work_id: string
  preview: string
  sort_order?: number
  is_active: boolean
}

const COVER_WAYS = [
  { key: 'upload' as const, label: '上传图片' },
  { key: 'work' as const, label: '用户作品' },
]

const emptyDraft = (workId = ''): Draft => ({
  title: '',
  mode: 'on_model',
  scene_id: '',
  model_id: '',
  aspect: '3:4',
  options: {},
  cover: workId ? 'work' : 'upload',
  file_id: '',
  work_id: workId,
  preview: '',
  is_active: true,
})

export function Showcases(props: { fromWorkId?: string }) {
  const { data, error, reload } = useLoad(async () => {
    const [showcases, scenes, models] = await Promise.all([api.call('admin/listShowcases', {}), api.call('admin/listScenes', {}), api.call('admin/listModels', {})])
    return { showcases: showcases.items, scenes: scenes.items, models: models.items }
  }, [])
  const [draft, setDraft] = useState<Draft | null>(props.fromWorkId ? emptyDraft(props.fromWorkId) : null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (props.fromWorkId) setDraft(emptyDraft(props.fromWorkId))
  }, [props.fromWorkId])
  const showcases = data?.showcases ?? []
  const sceneName = new Map((data?.scenes ?? []).map((s) => [s._id, s.name]))
  const modelName = new Map((data?.models ?? []).map((m) => [m._id, m.name]))
  // Only what an active showcase may use; the edited one's own choice stays listed.
  const sceneChips = [{ key: '', label: '不选' }, ...(data?.scenes ?? []).filter((s) => s.is_active || s._id === draft?.scene_id).map((s) => ({ key: s._id, label: s.name }))]
  const modelChips = [{ key: '', label: '随机' }, ...(data?.models ?? []).filter((m) => m.is_active || m._id === draft?.model_id).map((m) => ({ key: m._id, label: m.name }))]
  const aspects = draft?.mode === 'packshot' ? ASPECTS.filter((a) => PACKSHOT_ASPECT_KEYS.includes(a.key)) : ASPECTS

  const { move, toggle } = orderedRowActions({
    ids: showcases.map((s) => s._id),
    reorder: (ids) => api.call('admin/reorderShowcases', { ids }),
    setActive: (id, active) => api.call('admin/setShowcaseActive', { _id: id, is_active: active }),
    reload,
  })

  async function upload() {
    try {
      const [picked] = await pickImages(1)
      if (!picked) return
      Taro.showLoading({ title: '上传中' })
      const asset = await uploadPicked(picked)
      Taro.hideLoading()
      setDraft((d) => (d ? { ...d, cover: 'upload', file_id: asset.file_id, preview: picked.path } : d))
    } catch (e) {
      Taro.hideLoading()
      toastError(e)
    }
  }

  function setMode(mode: Draft['mode']) {
    if (!draft) return
    // 白底图 has neither scene nor model; only 模特图 has a model.
    setDraft({
      ...draft,
      mode,
      scene_id: mode === 'packshot' ? '' : draft.scene_id,
      model_id: mode === 'on_model' ? draft.model_id : '',
      aspect: mode === 'packshot' && !PACKSHOT_ASPECT_KEYS.includes(draft.aspect) ? '1:1' : draft.aspect,
    })
  }

  async function save(d: Draft) {
    if (!d.title.trim()) return toastText('请填写同款标题')
    if (d.mode === 'scene' && !d.scene_id) return toastText('场景图须选择场景')
    const workId = d.work_id.trim()
    const cover: Input['cover'] = d.cover === 'upload' ? (d.file_id ? { file_id: d.file_id } : undefined) : workId ? { work_id: workId } : undefined
    if (!d._id && !cover) return toastText(d.cover === 'upload' ? '请上传示例图' : '请填写作品编号')
    setBusy(true)
    try {
      const res = await api.call('admin/upsertShowcase', {
        ...(d._id ? { _id: d._id } : {}),
        title: d.title.trim(),
        mode: d.mode,
        scene_id: d.scene_id || null,
        model_id: d.mode === 'on_model' ? d.model_id || null : null,
        options: { ...d.options, aspect_ratio: d.aspect },
        ...(cover ? { cover } : {}),
        sort_order: d.sort_order ?? (showcases.length + 1) * 10,
        is_active: d.is_active,
      })
      toastSuccess(res.created ? '已新建，审核通过后展示' : '已保存')
      setDraft(null)
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  function edit(s: Showcase) {
    const aspect = (ASPECTS.find((a) => a.key === s.options.aspect_ratio)?.key ?? '3:4') as Aspect
    setDraft({ _id: s._id, title: s.title, mode: s.mode, scene_id: s.scene_id ?? '', model_id: s.model_id ?? '', aspect, options: s.options, cover: 'upload', file_id: '', work_id: '', preview: s.cover_url, sort_order: s.sort_order, is_active: s.is_active })
  }

  if (error) return <ErrorView message={error} onRetry={reload} />
  return (
    <View>
      {draft ? (
        <View className='section card showcase-form'>
          <View className='adm-title'>{draft._id ? '编辑同款' : '新建同款'}</View>
          <Field label='标题' value={draft.title} onInput={(v) => setDraft({ ...draft, title: v })} placeholder='例如 花园外拍 · 清新女装' name='showcase-title' />
          <View className='adm-label'>模式</View>
          <FilterChips label='模式' items={SHOWCASE_MODES} value={draft.mode} onChange={setMode} />
          {draft.mode !== 'packshot' ? (
            <>
              <View className='adm-label'>场景</View>
              <FilterChips label='场景' items={sceneChips} value={draft.scene_id} onChange={(scene_id) => setDraft({ ...draft, scene_id })} />
            </>
          ) : null}
          {draft.mode === 'on_model' ? (
            <>
              <View className='adm-label'>模特</View>
              <FilterChips label='模特' items={modelChips} value={draft.model_id} onChange={(model_id) => setDraft({ ...draft, model_id })} />
            </>
          ) : null}
          <View className='adm-label'>画幅</View>
          <FilterChips label='画幅' items={aspects} value={draft.aspect} onChange={(aspect) => setDraft({ ...draft, aspect })} />
          <View className='adm-label'>{draft._id ? '示例图（不换则保留原图）' : '示例图'}</View>
          <FilterChips label='示例图来源' items={COVER_WAYS} value={draft.cover} onChange={(cover) => setDraft({ ...draft, cover })} />
          {draft.cover === 'upload' ? (
            <View className='row showcase-cover'>
              {draft.preview ? <Image className='adm-thumb showcase-preview' src={draft.preview} mode='aspectFill' /> : <View className='adm-thumb' />}
              <Button className='btn btn-small btn-plain showcase-upload' onClick={() => void upload()}>
                {draft.file_id ? '更换图片' : '上传图片'}
              </Button>
            </View>
          ) : (
            <Field label='作品编号（任务详情中的作品 ID）' value={draft.work_id} onInput={(v) => setDraft({ ...draft, work_id: v })} placeholder='复制作品 ID 粘贴到这里' name='showcase-work' />
          )}
          <View className='faint showcase-note'>示例图会复制一份保存，用户删除作品不受影响；内容安全审核通过后才对用户展示。</View>
          <View className='adm-actions adm-gap'>
            <Button className='btn btn-small grow' {...pressState({ busy })} onClick={() => void save(draft)}>
              保存
            </Button>
            <Button className='btn btn-small btn-plain grow' onClick={() => setDraft(null)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <View className='section'>
          <Button className='btn btn-small btn-ghost' onClick={() => setDraft(emptyDraft())}>
            新建同款
          </Button>
        </View>
      )}
      <View className='section card'>
        {data && showcases.length === 0 ? <View className='adm-empty'>还没有同款</View> : null}
        {showcases.map((s, i) => (
          <View key={s._id} className='adm-row showcase-row'>
            {s.cover_url ? <Image className='adm-thumb' src={s.cover_url} mode='aspectFill' /> : <View className='adm-thumb' />}
            <View className='adm-row-main'>
              <View className='ellipsis'>{s.title}</View>
              <View className='model-tags'>
                <Tag tone={s.is_active ? 'ok' : undefined}>{s.is_active ? '上架' : '下架'}</Tag>
                <Tag tone={COVER_CHECK[s.cover_moderation]?.tone}>{COVER_CHECK[s.cover_moderation]?.label ?? s.cover_moderation}</Tag>
                <Tag>{labelOf(SHOWCASE_MODES, s.mode)}</Tag>
                {s.scene_id ? <Tag>{sceneName.get(s.scene_id) ?? s.scene_id}</Tag> : null}
                {s.mode === 'on_model' ? <Tag>{s.model_id ? (modelName.get(s.model_id) ?? s.model_id) : '随机模特'}</Tag> : null}
              </View>
              <View className='faint ellipsis'>{s.cover_origin ? (s.cover_origin.kind === 'work' ? `示例图来自作品 ${s.cover_origin.ref}` : '示例图：运营上传') : '示例图：预置'}</View>
              <RowActions active={s.is_active} onMove={(dir) => void move(i, dir)} onToggle={() => void toggle(s._id, !s.is_active)} onEdit={() => edit(s)} />
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
