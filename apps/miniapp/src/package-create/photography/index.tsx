/**
 * 服装摄影: pick a mode (模特图 / 场景图 / 白底图, each priced before generating), the garment photos (or up to 9
 * garments in a batch, one work each), a model from the 模特库 (随机 / a library model / 上传我的模特) and a scene
 * where the mode uses them; a 模特图 of a top may add a 搭配下装 (the bottom of a top + bottom outfit). 画同款 (a
 * showcase or one of my works, `?from_showcase_id=` / `?from_work_id=`) pre-fills everything but the garment
 * (my own work keeps its garments and pair unless new photos are added). Every choice on the page is sent
 * explicitly (不换场景 as `scene_id: null`), so what the server merges from the source is only what the page does
 * not show.
 */
import { useEffect, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import type { ActionInput, GarmentType, ModelView, PhotographyMode, Preset, Scene } from '@aiphoto/contract'
import { errorMessage } from '@aiphoto/client'
import { api } from '../../services/api'
import { ensureSession, useProfile } from '../../services/session'
import { createAttempt, goToBatchProgress, goToProgress } from '../../services/generate'
import { photographyCost, photographyUnitPrice, usePricing } from '../../services/pricing'
import { isPhotographyMode } from '../../services/modes'
import { toastError, toastText } from '../../services/ui'
import { useUploads } from '../../hooks/use-uploads'
import { AddSlot, PhotoSlot } from '../../components/photo-slot'
import { ChipGroup } from '../../components/chip-group'
import { CostBar } from '../../components/cost-bar'
import { useFreshUrls } from '../../hooks/use-fresh'
import { ModeSwitch } from './mode-switch'
import { ModelPicker, type ModelChoice, type ModelFilter } from './model-picker'
import { ScenePicker } from './scene-picker'
import './index.css'
import { pressable } from '../../components/pressable'

type Ratio = '3:4' | '1:1' | '9:16' | '4:3' | '16:9'
type Options = NonNullable<ActionInput<'photography/generate'>['options']>

/** One work may use up to 4 photos of the same garment; a batch takes up to 9 garments, one photo each. */
const VIEWS_PER_GARMENT = 4

const COUNTS = [1, 2, 3, 4].map((n) => ({ value: n, label: `${n} 张` }))
const RATIOS: ReadonlyArray<{ value: Ratio; label: string }> = [
  { value: '3:4', label: '3:4' },
  { value: '1:1', label: '1:1' },
  { value: '9:16', label: '9:16' },
  { value: '4:3', label: '4:3' },
  { value: '16:9', label: '16:9' },
]
const PACKSHOT_SIZES: ReadonlyArray<{ value: Ratio; label: string }> = [
  { value: '1:1', label: '800×800 主图' },
  { value: '3:4', label: '750×1000 详情' },
]
const GARMENT_TYPES: ReadonlyArray<{ value: GarmentType; label: string }> = [
  { value: 'top', label: '上衣' },
  { value: 'bottom', label: '下装' },
  { value: 'dress', label: '连衣裙' },
  { value: 'outerwear', label: '外套' },
]
const SHADOWS = [
  { value: 1, label: '柔和投影' },
  { value: 0, label: '无投影' },
]

interface Source {
  kind: 'showcase' | 'work'
  id: string
  title: string
  preset: Preset
}

export default function Photography() {
  const router = useRouter()
  const profile = useProfile()
  const pricing = usePricing()
  const [mode, setMode] = useState<PhotographyMode>(isPhotographyMode(router.params.mode) ? router.params.mode : 'on_model')
  // The default (模特图) needs the 模特库; a chosen, linked or 画同款 mode is never changed behind the user's back.
  const modeChosen = useRef(isPhotographyMode(router.params.mode) || !!router.params.from_showcase_id || !!router.params.from_work_id)
  const [batch, setBatch] = useState(false)
  const uploads = useUploads(batch ? (pricing?.batch_max_items ?? 9) : VIEWS_PER_GARMENT)
  const ownModel = useUploads(1)
  // 搭配下装: a fresh upload, or the bottom of the 画同款 work (kept until removed or no longer pairable).
  const bottom = useUploads(1)
  const [keptBottom, setKeptBottom] = useState<string | null>(null)
  const [scenes, setScenes] = useState<Scene[] | null>(null)
  const [sceneError, setSceneError] = useState<string | null>(null)
  const [sceneId, setSceneId] = useState<string | null>(router.params.scene_id ?? null)
  const [models, setModels] = useState<ModelView[] | null>(null)
  const [modelError, setModelError] = useState<string | null>(null)
  const [filter, setFilter] = useState<ModelFilter>('all')
  const [model, setModel] = useState<ModelChoice>({ kind: 'random' })
  const [garmentType, setGarmentType] = useState<GarmentType>('top')
  const [count, setCount] = useState(1)
  const [ratio, setRatio] = useState<Ratio>('3:4')
  const [hd, setHd] = useState(false)
  const [shadow, setShadow] = useState(1)
  const [source, setSource] = useState<Source | null>(null)
  const [busy, setBusy] = useState(false)
  const [loadedAt, setLoadedAt] = useState<number | null>(null)
  const attempt = useRef(createAttempt()).current

  async function loadScenes() {
    setSceneError(null)
    try {
      const res = await api.scenes.list({})
      setScenes(res.items)
      setLoadedAt(Date.now())
    } catch (e) {
      setSceneError(errorMessage(e))
    }
  }

  async function loadModels() {
    setModelError(null)
    try {
      const items = (await api.photography.models({})).items
      setModels(items)
      setLoadedAt(Date.now())
      // An empty library (not provisioned yet) cannot dress anyone: start on 场景图 instead.
      if (items.length === 0 && !modeChosen.current) setMode('scene')
    } catch (e) {
      setModelError(errorMessage(e))
    }
  }

  /** 画同款: everything of the source but the garment (own works keep their garment unless new photos are added). */
  async function loadPreset(kind: Source['kind'], id: string, title: string) {
    try {
      await ensureSession()
      const preset = await api.photography.preset(kind === 'showcase' ? { from_showcase_id: id } : { from_work_id: id })
      setMode(preset.mode)
      setSceneId(preset.scene_id)
      setModel(preset.model_id ? { kind: 'library', id: preset.model_id } : { kind: 'random' })
      if (preset.garment_type) setGarmentType(preset.garment_type)
      setCount(preset.mode === 'packshot' ? 1 : preset.count)
      const o = preset.options
      if (o.aspect_ratio) setRatio(o.aspect_ratio)
      setHd(o.hd === true)
      setShadow(o.shadow === false ? 0 : 1)
      if (o.gender === 'male' || o.gender === 'female') setFilter(o.age === 'child' ? 'child' : o.gender)
      setKeptBottom(preset.bottom_garment_image ?? null)
      setSource({ kind, id, title, preset })
    } catch (e) {
      toastError(e)
    }
  }

  useEffect(() => {
    ensureSession().catch(() => {})
    void loadScenes()
    void loadModels()
    const p = router.params
    const title = p.title ? decodeURIComponent(p.title) : ''
    if (p.from_showcase_id) void loadPreset('showcase', p.from_showcase_id, title || '精选同款')
    else if (p.from_work_id) void loadPreset('work', p.from_work_id, title || '我的作品')
  }, [])

  const { onImageError } = useFreshUrls(loadedAt, async () => {
    await Promise.all([loadScenes(), loadModels()])
  })

  // Scene mode needs a scene: default to the first one when none is chosen yet.
  useEffect(() => {
    if (mode === 'scene' && sceneId === null && scenes && scenes[0]) setSceneId(scenes[0]._id)
  }, [mode, scenes, sceneId])

  // Only a 模特图 of a top pairs with a bottom: choosing another mode or garment type drops the pair.
  const pairable = mode === 'on_model' && garmentType === 'top'
  useEffect(() => {
    if (pairable) return
    bottom.clear()
    setKeptBottom(null)
  }, [pairable])

  function chooseMode(next: PhotographyMode) {
    modeChosen.current = true
    setMode(next)
    if (next === 'packshot') {
      setCount(1)
      if (ratio !== '1:1' && ratio !== '3:4') setRatio('1:1')
    }
  }

  function toggleBatch() {
    if (batch && uploads.slots.length > VIEWS_PER_GARMENT) {
      toastText(`单件模式最多 ${VIEWS_PER_GARMENT} 张图，请先删除多余的图片`)
      return
    }
    setBatch(!batch)
  }

  async function pickOwnModel() {
    if (ownModel.slots.length > 0 && model.kind !== 'own') {
      setModel({ kind: 'own' })
      return
    }
    const first = ownModel.slots[0]
    if (first) ownModel.remove(first.key)
    setModel({ kind: 'own' })
    await ownModel.add()
  }

  const reuseGarments = source?.kind === 'work' && uploads.slots.length === 0 && source.preset.garment_images.length > 0
  const bottomId = pairable ? (bottom.fileIds[0] ?? (bottom.slots.length === 0 ? keptBottom : null)) : null
  const bottomFailed = pairable && bottom.slots.some((s) => s.status === 'error')
  const garments = batch ? uploads.fileIds.length : 1
  const hdOn = hd && mode !== 'packshot'
  const cost = pricing ? photographyCost(pricing, { mode, count, garments, hd: hdOn }) : null
  const unit = pricing ? photographyUnitPrice(pricing, mode, hdOn) : null
  const selectedScene = scenes?.find((s) => s._id === sceneId) ?? null
  const ownModelReady = model.kind !== 'own' || ownModel.fileIds.length === 1
  const libraryEmpty = mode === 'on_model' && model.kind === 'random' && models !== null && models.length === 0
  const haveGarments = uploads.fileIds.length > 0 || reuseGarments
  const uploading = uploads.uploading || ownModel.uploading || (pairable && bottom.uploading)
  const ready = haveGarments && !uploading && !bottomFailed && (mode !== 'scene' || selectedScene !== null) && ownModelReady && !libraryEmpty && cost !== null
  const hint = !haveGarments
    ? '请先上传服装'
    : uploading
      ? '图片上传中'
      : bottomFailed
        ? '下装上传失败，请重试或移除'
        : mode === 'scene' && !selectedScene
        ? '请选择场景'
        : !ownModelReady
          ? '请上传模特照片'
          : libraryEmpty
            ? '请上传我的模特'
            : undefined
  const note = batch && garments > 1 ? `${garments} 件 × ${count} 张 × ${unit ?? '…'}` : count > 1 ? `${count} 张 × ${unit ?? '…'}` : undefined

  function fields() {
    const options: Options = {}
    if (mode === 'packshot') {
      options.aspect_ratio = ratio === '3:4' ? '3:4' : '1:1'
      options.shadow = shadow === 1
    } else {
      options.aspect_ratio = ratio
      if (hdOn) options.hd = true
    }
    const onModel = mode === 'on_model'
    if (onModel && model.kind === 'random') {
      if (filter === 'female' || filter === 'male') options.gender = filter
      if (filter === 'child') options.age = 'child'
    }
    return {
      mode,
      count: mode === 'packshot' ? 1 : count,
      options,
      ...(onModel ? { garment_type: garmentType } : {}),
      ...(onModel && model.kind === 'library' ? { model_id: model.id } : {}),
      ...(onModel && model.kind === 'own' && ownModel.fileIds[0] ? { model_image: ownModel.fileIds[0] } : {}),
      // null = 不换场景, even when the 画同款 source had a scene.
      ...(mode !== 'packshot' ? { scene_id: sceneId } : {}),
    }
  }

  /** The source is named only while it still describes the request (the server merges it under the fields). */
  function sourceFields(): { from_showcase_id?: string; from_work_id?: string } {
    if (!source) return {}
    const p = source.preset
    const same = p.mode === mode && p.scene_id === sceneId && (model.kind === 'library' ? p.model_id === model.id : p.model_id === null && model.kind === 'random')
    if (source.kind === 'work' && reuseGarments) return { from_work_id: source.id }
    if (!same) return {}
    return source.kind === 'showcase' ? { from_showcase_id: source.id } : { from_work_id: source.id }
  }

  async function generate() {
    if (!ready || busy) return
    setBusy(true)
    try {
      const base = fields()
      if (batch && uploads.fileIds.length > 1) {
        const from = sourceFields()
        const out = await attempt((request_id) =>
          api.photography.generateBatch({
            ...base,
            items: uploads.fileIds.map((id) => ({ garment_images: [id], ...(mode === 'on_model' ? { garment_type: garmentType } : {}), ...(bottomId ? { bottom_garment_image: bottomId } : {}) })),
            ...(from.from_showcase_id ? { from_showcase_id: from.from_showcase_id } : {}),
            request_id,
          }),
        )
        goToBatchProgress(out)
      } else {
        const out = await attempt((request_id) =>
          api.photography.generate({
            ...base,
            // The reused garments are named too, so the source's pair comes back only when the page still shows it.
            garment_images: reuseGarments && source ? source.preset.garment_images : uploads.fileIds,
            ...(bottomId ? { bottom_garment_image: bottomId } : {}),
            ...sourceFields(),
            request_id,
          }),
        )
        goToProgress(out)
      }
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  const max = batch ? (pricing?.batch_max_items ?? 9) : VIEWS_PER_GARMENT

  return (
    <View className='pg create'>
      {source ? (
        <View className='section card same-banner'>
          <View className='same-tag'>画同款</View>
          <View className='grow'>
            <View className='same-title ellipsis'>{source.title}</View>
            <View className='faint'>{source.kind === 'work' ? '已沿用作品的模式、模特、场景和设置' : '已填好模式、模特、场景和设置，上传你的服装即可'}</View>
          </View>
        </View>
      ) : null}

      <View className='section'>
        <ModeSwitch value={mode} pricing={pricing} onChange={chooseMode} />
      </View>

      <View className='section card'>
        <View className='row between'>
          <View className='section-title'>上传服装</View>
          <View className={`batch-toggle ${batch ? 'batch-toggle-on' : ''}`} onClick={toggleBatch} {...pressable(batch ? '批量：已开启' : '批量：每张图一件服装')}>
            {batch ? '✓ 批量' : '批量'}
          </View>
        </View>
        <View className='faint upload-note'>
          {uploads.slots.length}/{max} · {batch ? '每张图是一件服装，每件生成一个作品' : '同一件服装的平铺或挂拍，背景越干净越好'}
        </View>
        <View className='slots'>
          {uploads.slots.map((s) => (
            <PhotoSlot key={s.key} value={s} onRemove={() => uploads.remove(s.key)} onRetry={() => void uploads.retry(s.key)} />
          ))}
          {!uploads.full ? <AddSlot label='添加服装' sub={batch ? `最多 ${max} 件` : `最多 ${max} 张`} onClick={() => void uploads.add()} /> : null}
        </View>
        {reuseGarments ? <View className='faint upload-note'>将沿用原作品的 {source?.preset.garment_images.length} 张服装图，也可重新上传</View> : null}
        {mode === 'on_model' ? (
          <>
            <View className='opt-label'>服装类型</View>
            <ChipGroup options={GARMENT_TYPES} value={garmentType} onChange={setGarmentType} />
          </>
        ) : null}
        {pairable ? (
          <View className='pair'>
            <View className='row between'>
              <View className='opt-label'>搭配下装（可选）</View>
              <View className='faint'>{bottomId || bottom.slots.length ? '上下装同穿' : '不加价'}</View>
            </View>
            <View className='faint upload-note'>{batch ? '每件上衣都搭配这件下装，模特同时穿上整套' : '加一条裤子或半身裙，模特同时穿上这身搭配'}</View>
            <View className='slots'>
              {bottom.slots.map((s) => (
                <PhotoSlot key={s.key} value={s} onRemove={() => bottom.remove(s.key)} onRetry={() => void bottom.retry(s.key)} />
              ))}
              {bottom.slots.length === 0 && keptBottom ? (
                <View className='slot slot-kept'>
                  <View className='slot-kept-text'>沿用原作品的下装</View>
                  <View className='slot-remove' {...pressable('移除下装')} onClick={() => setKeptBottom(null)}>
                    ×
                  </View>
                </View>
              ) : null}
              {bottom.slots.length === 0 && !keptBottom ? <AddSlot label='添加下装' sub='裤子 / 半身裙' onClick={() => void bottom.add()} /> : null}
            </View>
          </View>
        ) : null}
      </View>

      {mode === 'on_model' ? (
        <View className='section card'>
          <View className='row between'>
            <View className='section-title'>选择模特</View>
            <View className='faint'>{model.kind === 'random' ? '随机' : model.kind === 'own' ? '我的模特' : (models?.find((m) => m._id === model.id)?.name ?? '')}</View>
          </View>
          <ModelPicker
            models={models}
            error={modelError}
            onRetry={() => void loadModels()}
            filter={filter}
            onFilter={setFilter}
            value={model}
            onChange={setModel}
            own={ownModel.slots[0] ?? null}
            onPickOwn={() => void pickOwnModel()}
            onImageError={onImageError}
          />
        </View>
      ) : null}

      {mode !== 'packshot' ? (
        <View className='section card'>
          <View className='row between'>
            <View className='section-title'>{mode === 'on_model' ? '选择场景（可选）' : '选择场景'}</View>
            <View className='faint'>{selectedScene ? selectedScene.name : mode === 'on_model' ? '模特原背景' : ''}</View>
          </View>
          <ScenePicker
            scenes={scenes}
            error={sceneError}
            onRetry={() => void loadScenes()}
            value={sceneId}
            onChange={setSceneId}
            noneLabel={mode === 'on_model' ? '不换场景' : undefined}
            onImageError={onImageError}
          />
        </View>
      ) : null}

      <View className='section card'>
        <View className='section-title'>生成设置</View>
        {mode === 'packshot' ? (
          <>
            <View className='opt-label'>尺寸</View>
            <ChipGroup options={PACKSHOT_SIZES} value={ratio === '3:4' ? '3:4' : '1:1'} onChange={setRatio} />
            <View className='opt-label'>地面投影</View>
            <ChipGroup options={SHADOWS} value={shadow} onChange={setShadow} />
          </>
        ) : (
          <>
            <View className='opt-label'>数量</View>
            <ChipGroup options={COUNTS} value={count} onChange={setCount} />
            <View className='opt-label'>画面比例</View>
            <ChipGroup options={RATIOS} value={ratio} onChange={setRatio} />
            <View className='opt-label'>清晰度</View>
            <ChipGroup
              options={[
                { value: 0, label: '标准' },
                { value: 1, label: pricing ? `高清 +${pricing.upscale_per_image}/张` : '高清' },
              ]}
              value={hd ? 1 : 0}
              onChange={(v) => setHd(v === 1)}
            />
          </>
        )}
      </View>

      <CostBar cost={cost} balance={profile?.credits ?? null} busy={busy} ready={ready} hint={hint} note={note} onGenerate={generate} />
    </View>
  )
}
