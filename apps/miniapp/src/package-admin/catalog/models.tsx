/**
 * 模特库: every library model with its attributes and licence (move up/down, show/hide, edit); a new model from an
 * uploaded licensed photo (licence/source required), or 「AI 生成模特」 (admin/generateModel, polled with its job
 * token until done; the result arrives hidden, for review before it is shown).
 */
import { useEffect, useRef, useState } from 'react'
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
import { AGES, BODIES, COVER_CHECK, GENDERS, POSES, SKIN_TONES, SOURCE_LABEL, labelOf } from '../shared/model-labels'

type Model = ActionOutput<'admin/listModels'>['items'][number]
type Attrs = Pick<ActionInput<'admin/upsertModel'>, 'gender' | 'age' | 'body' | 'pose' | 'skin_tone'>

/** The generation job is asked again this often until it is done. */
const POLL_MS = 2000

interface Draft extends Attrs {
  kind: 'upload' | 'generate'
  _id?: string
  name: string
  /** '' = studio / any scene. */
  scene_id: string
  licence: string
  prompt_extra: string
  /** The photo to store: a new upload's file id, or the edited model's own. */
  file_id: string
  thumbnail_file_id: string | null
  source: Model['source']
  preview: string
  sort_order?: number
  is_active: boolean
}

const emptyDraft = (kind: Draft['kind']): Draft => ({
  kind,
  name: '',
  gender: 'female',
  age: 'young',
  body: 'regular',
  pose: 'standing',
  skin_tone: 'medium',
  scene_id: '',
  licence: '',
  prompt_extra: '',
  file_id: '',
  thumbnail_file_id: null,
  source: kind === 'upload' ? 'licensed' : 'generated',
  preview: '',
  is_active: true,
})

export function Models() {
  const { data, error, reload } = useLoad(async () => {
    const [models, scenes] = await Promise.all([api.call('admin/listModels', {}), api.call('admin/listScenes', {})])
    return { models: models.items, scenes: scenes.items }
  }, [])
  const [draft, setDraft] = useState<Draft | null>(null)
  const [busy, setBusy] = useState(false)
  const [generating, setGenerating] = useState<string | null>(null)
  const alive = useRef(true)
  useEffect(() => () => void (alive.current = false), [])
  const models = data?.models ?? []
  const sceneName = new Map((data?.scenes ?? []).map((s) => [s._id, s.name]))
  const sceneChips = [{ key: '', label: '影棚/不限' }, ...(data?.scenes ?? []).map((s) => ({ key: s._id, label: s.name }))]

  const { move, toggle } = orderedRowActions({
    ids: models.map((m) => m._id),
    reorder: (ids) => api.call('admin/reorderModels', { ids }),
    setActive: (id, active) => api.call('admin/setModelActive', { _id: id, is_active: active }),
    reload,
  })

  async function upload() {
    try {
      const [picked] = await pickImages(1)
      if (!picked) return
      Taro.showLoading({ title: '上传中' })
      const asset = await uploadPicked(picked)
      Taro.hideLoading()
      // A new photo brings its own thumbnail (the photo itself) in place of the old one.
      setDraft((d) => (d ? { ...d, file_id: asset.file_id, thumbnail_file_id: null, preview: picked.path } : d))
    } catch (e) {
      Taro.hideLoading()
      toastError(e)
    }
  }

  async function save(d: Draft) {
    if (!d.name.trim()) return toastText('请填写模特名称')
    if (!d.file_id) return toastText('请上传模特照片')
    if (d.licence.trim().length < 2) return toastText('请填写授权/来源（如图库授权编号、拍摄合同）')
    setBusy(true)
    try {
      const res = await api.call('admin/upsertModel', {
        ...(d._id ? { _id: d._id } : {}),
        name: d.name.trim(),
        gender: d.gender,
        age: d.age,
        body: d.body,
        pose: d.pose,
        skin_tone: d.skin_tone,
        scene_id: d.scene_id || null,
        file_id: d.file_id,
        ...(d.thumbnail_file_id ? { thumbnail_file_id: d.thumbnail_file_id } : {}),
        source: d.source,
        licence: d.licence.trim(),
        sort_order: d.sort_order ?? (models.length + 1) * 10,
        is_active: d.is_active,
      })
      toastSuccess(res.created ? '已添加' : '已保存')
      setDraft(null)
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  /** Submits, then asks again with the job token until the model is stored (hidden) or the job failed. */
  async function generate(d: Draft) {
    if (!d.name.trim()) return toastText('请填写模特名称')
    const input = { name: d.name.trim(), gender: d.gender, age: d.age, body: d.body, pose: d.pose, skin_tone: d.skin_tone, scene_id: d.scene_id || null, prompt_extra: d.prompt_extra.trim() }
    setBusy(true)
    setGenerating('生成中…')
    try {
      let res = await api.call('admin/generateModel', input)
      for (let polls = 1; res.status === 'running' && res.job_token; polls++) {
        await new Promise((r) => setTimeout(r, POLL_MS))
        if (!alive.current) return
        setGenerating(`生成中… 已等待 ${Math.round((polls * POLL_MS) / 1000)} 秒`)
        res = await api.call('admin/generateModel', { ...input, job_token: res.job_token })
      }
      if (!alive.current) return
      if (res.status === 'created') {
        toastSuccess('已生成，审核后上架')
        setDraft(null)
        await reload()
      } else {
        toastText(res.error ? `生成失败：${res.error}` : '生成失败，请重试')
      }
    } catch (e) {
      toastError(e)
    } finally {
      if (alive.current) {
        setBusy(false)
        setGenerating(null)
      }
    }
  }

  function edit(m: Model) {
    setDraft({
      kind: 'upload',
      _id: m._id,
      name: m.name,
      gender: m.gender,
      age: m.age,
      body: m.body,
      pose: m.pose,
      skin_tone: m.skin_tone,
      scene_id: m.scene_id ?? '',
      licence: m.licence,
      prompt_extra: '',
      file_id: m.file_id,
      thumbnail_file_id: m.thumbnail_file_id,
      source: m.source,
      preview: m.thumbnail_url,
      sort_order: m.sort_order,
      is_active: m.is_active,
    })
  }

  if (error) return <ErrorView message={error} onRetry={reload} />
  return (
    <View>
      {draft ? (
        <View className='section card model-form'>
          <View className='adm-title'>{draft.kind === 'generate' ? 'AI 生成模特' : draft._id ? '编辑模特' : '上传授权模特'}</View>
          <Field label='名称' value={draft.name} onInput={(v) => setDraft({ ...draft, name: v })} placeholder='例如 小雅' name='model-name' />
          <View className='adm-label'>性别</View>
          <FilterChips label='性别' items={GENDERS} value={draft.gender} onChange={(gender) => setDraft({ ...draft, gender })} />
          <View className='adm-label'>年龄</View>
          <FilterChips label='年龄' items={AGES} value={draft.age} onChange={(age) => setDraft({ ...draft, age })} />
          <View className='adm-label'>体型</View>
          <FilterChips label='体型' items={BODIES} value={draft.body} onChange={(body) => setDraft({ ...draft, body })} />
          <View className='adm-label'>姿势</View>
          <FilterChips label='姿势' items={POSES} value={draft.pose} onChange={(pose) => setDraft({ ...draft, pose })} />
          <View className='adm-label'>肤色</View>
          <FilterChips label='肤色' items={SKIN_TONES} value={draft.skin_tone} onChange={(skin_tone) => setDraft({ ...draft, skin_tone })} />
          <View className='adm-label'>拍摄场景</View>
          <FilterChips label='拍摄场景' items={sceneChips} value={draft.scene_id} onChange={(scene_id) => setDraft({ ...draft, scene_id })} />
          <View className='adm-gap' />
          {draft.kind === 'upload' ? (
            <>
              <View className='adm-label'>模特照片（须有肖像授权）</View>
              <View className='row'>
                {draft.preview ? <Image className='adm-thumb model-preview' src={draft.preview} mode='aspectFill' /> : <View className='adm-thumb' />}
                <Button className='btn btn-small btn-plain model-upload' onClick={() => void upload()}>
                  {draft.preview ? '更换照片' : '上传照片'}
                </Button>
              </View>
              <View className='adm-gap' />
              <Field label='授权/来源（必填）' value={draft.licence} onInput={(v) => setDraft({ ...draft, licence: v })} placeholder='图库授权编号、拍摄合同号等' name='model-licence' />
            </>
          ) : (
            <>
              <Field label='补充描述（可选）' value={draft.prompt_extra} onInput={(v) => setDraft({ ...draft, prompt_extra: v })} placeholder='例如 短发、微笑' name='model-prompt' />
              <View className='faint model-gen-note'>生成的模特默认下架，确认效果后再上架。</View>
              {generating ? <View className='model-gen-status'>{generating}</View> : null}
            </>
          )}
          <View className='adm-actions adm-gap'>
            <Button className='btn btn-small grow' {...pressState({ busy })} onClick={() => void (draft.kind === 'generate' ? generate(draft) : save(draft))}>
              {draft.kind === 'generate' ? '开始生成' : '保存'}
            </Button>
            <Button className='btn btn-small btn-plain grow' onClick={() => !busy && setDraft(null)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <View className='section adm-actions'>
          <Button className='btn btn-small btn-ghost grow' onClick={() => setDraft(emptyDraft('upload'))}>
            上传授权模特
          </Button>
          <Button className='btn btn-small btn-ghost grow' onClick={() => setDraft(emptyDraft('generate'))}>
            AI 生成模特
          </Button>
        </View>
      )}
      <View className='section card'>
        {data && models.length === 0 ? <View className='adm-empty'>模特库为空</View> : null}
        {models.map((m, i) => (
          <View key={m._id} className='adm-row model-row'>
            {m.thumbnail_url ? <Image className='adm-thumb' src={m.thumbnail_url} mode='aspectFill' /> : <View className='adm-thumb' />}
            <View className='adm-row-main'>
              <View className='ellipsis'>{m.name}</View>
              <View className='model-tags'>
                <Tag tone={m.is_active ? 'ok' : undefined}>{m.is_active ? '上架' : '下架'}</Tag>
                <Tag>{`${labelOf(GENDERS, m.gender)} · ${labelOf(AGES, m.age)}`}</Tag>
                <Tag>{labelOf(BODIES, m.body)}</Tag>
                <Tag>{labelOf(POSES, m.pose)}</Tag>
                <Tag>{labelOf(SKIN_TONES, m.skin_tone)}</Tag>
                <Tag>{m.scene_id ? (sceneName.get(m.scene_id) ?? m.scene_id) : '影棚/不限'}</Tag>
                <Tag tone={m.source === 'licensed' ? 'info' : 'warn'}>{SOURCE_LABEL[m.source] ?? m.source}</Tag>
                {/* Users see a model only once its photo passed the image check. */}
                {m.photo_moderation !== 'seeded' ? <Tag tone={COVER_CHECK[m.photo_moderation]?.tone}>{`照片${COVER_CHECK[m.photo_moderation]?.label ?? m.photo_moderation}`}</Tag> : null}
              </View>
              <View className='faint ellipsis model-licence'>{`授权/来源：${m.licence}`}</View>
              <RowActions active={m.is_active} onMove={(dir) => void move(i, dir)} onToggle={() => void toggle(m._id, !m.is_active)} onEdit={() => edit(m)} />
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
