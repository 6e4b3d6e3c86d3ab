/** Prompt templates: the active version per type, an editable draft with the rendered-prompt preview, saving adds a version. */
import { useEffect, useState } from 'react'
import { Button, Textarea, View } from '@tarojs/components'
import { api } from '../../services/api'
import { formatDate, toastError, toastSuccess } from '../../services/ui'
import { pressState } from '../../components/press-state'
import { ErrorView } from '../../components/state-view'
import { FilterChips, Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'

type Kind = 'photography' | 'fitting'
const KINDS: ReadonlyArray<{ key: Kind; label: string }> = [
  { key: 'photography', label: '服装摄影' },
  { key: 'fitting', label: '虚拟试衣' },
]
const PLACEHOLDERS = '{scene_name} {scene_description} {background} {lighting} {gender} {age} {pose} {aspect_ratio} {garment_type} {extra}'

export function Templates() {
  const [kind, setKind] = useState<Kind>('photography')
  const { data, error, reload } = useLoad(async () => {
    const [templates, scenes] = await Promise.all([api.call('admin/listPromptTemplates', { type: kind }), api.call('admin/listScenes', {})])
    return { templates: templates.items, scene: scenes.items.find((s) => s.is_active) ?? null }
  }, [kind])
  const active = data?.templates.find((t) => t.is_active) ?? null
  const [text, setText] = useState('')
  const [negative, setNegative] = useState('')
  const [preview, setPreview] = useState<{ prompt: string; unknown: string[] } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    setText(active?.template ?? '')
    setNegative(active?.negative_prompt ?? '')
    setPreview(null)
  }, [active?._id])

  async function runPreview() {
    setBusy(true)
    try {
      const r = await api.call('admin/previewPrompt', {
        type: kind,
        template: text,
        negative_prompt: negative,
        ...(kind === 'photography' && data?.scene ? { scene_id: data.scene._id } : {}),
        options: { gender: 'female', age: 'young', pose: 'standing', garment_type: 'top', extra: '白色T恤' },
      })
      setPreview({ prompt: r.prompt, unknown: r.unknown_placeholders })
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  async function saveVersion() {
    setBusy(true)
    try {
      const r = await api.call('admin/upsertPromptTemplate', { type: kind, template: text, negative_prompt: negative })
      toastSuccess(`已保存 v${r.version}`)
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  if (error) return <ErrorView message={error} onRetry={reload} />
  return (
    <View>
      <FilterChips items={KINDS} value={kind} onChange={setKind} />
      <View className='section card'>
        <View className='adm-title'>当前模板 {active ? <Tag tone='ok'>v{active.version}</Tag> : null}</View>
        <View className='faint'>可用占位符：{PLACEHOLDERS}</View>
        <Textarea className='adm-textarea adm-gap template-text' value={text} maxlength={2000} onInput={(e) => setText(e.detail.value)} />
        <View className='adm-label adm-gap'>反向提示词</View>
        <Textarea className='adm-textarea template-negative' value={negative} maxlength={1000} onInput={(e) => setNegative(e.detail.value)} />
        <View className='adm-actions'>
          <Button className='btn btn-small btn-ghost grow' {...pressState({ busy })} onClick={() => void runPreview()}>
            预览
          </Button>
          <Button className='btn btn-small grow' {...pressState({ busy, disabled: !text.trim() || text === active?.template })} onClick={() => void saveVersion()}>
            保存为新版本
          </Button>
        </View>
        {preview ? (
          <View className='adm-gap'>
            <View className='adm-label'>渲染结果{data?.scene && kind === 'photography' ? `（场景：${data.scene.name}，示例选项）` : '（示例选项）'}</View>
            <View className='adm-pre template-preview'>{preview.prompt}</View>
            {preview.unknown.length ? <View className='danger adm-sub'>未知占位符（将渲染为空）：{preview.unknown.join('、')}</View> : null}
          </View>
        ) : null}
      </View>
      <View className='section card'>
        <View className='adm-title'>历史版本</View>
        {(data?.templates ?? []).map((t) => (
          <View key={t._id} className='adm-row'>
            <View className='adm-row-main'>
              <View>
                v{t.version} {t.is_active ? <Tag tone='ok'>使用中</Tag> : null}
              </View>
              <View className='faint ellipsis'>{t.template}</View>
            </View>
            <View className='faint'>{formatDate(t.created_at)}</View>
          </View>
        ))}
      </View>
    </View>
  )
}
