/** Prompt templates: versioned documents (`<type>:v<n>`), the newest active version renders prompts. */
import type { Runtime } from '@aiphoto/runtime'
import { isDuplicateKeyError as isDuplicateKey } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { must } from '../../lib/db'
import type { PromptTemplateDoc, SceneDoc, WorkType } from '../../data/documents'
import { writeAudit } from './audit'
import { quoteUserText, renderTemplate } from './prompt-render'

export interface PromptOptions {
  gender?: string | undefined
  age?: string | undefined
  aspect_ratio?: string | undefined
  pose?: string | undefined
  extra?: string | undefined
  garment_type?: string | undefined
}

export interface RenderedPrompt {
  prompt: string
  negative_prompt: string
  template_version: number
}

const GENDER: Record<string, string> = { female: 'female', male: 'male' }
const AGE: Record<string, string> = { child: 'child', young: 'young adult', adult: 'adult', senior: 'senior' }
const POSE: Record<string, string> = { standing: 'standing', walking: 'walking', sitting: 'sitting', half_body: 'half-body portrait' }
const GARMENT: Record<string, string> = { top: 'top', bottom: 'trousers or skirt', dress: 'dress', outerwear: 'outerwear' }

export async function activeTemplate(rt: Runtime, type: WorkType): Promise<PromptTemplateDoc> {
  const res = must(await rt.db.collection('prompt_templates').where({ type, is_active: true }).orderBy('version', 'desc').limit(1).get()) as { data: PromptTemplateDoc[] }
  const doc = res.data[0]
  if (!doc) throw new AppError('NOT_FOUND', '提示词模板未配置')
  return doc
}

/**
 * Renders the active template for a type, a scene (photography) and the user's options. `draft` renders an unsaved
 * template instead (admin preview; version 0).
 */
export async function renderPrompt(
  rt: Runtime,
  type: WorkType,
  scene: Pick<SceneDoc, 'name' | 'description' | 'parameters'> | null,
  options: PromptOptions,
  draft?: { template: string; negative_prompt: string },
): Promise<RenderedPrompt> {
  const tpl = draft ? { ...draft, version: 0 } : await activeTemplate(rt, type)
  const p = scene?.parameters ?? {}
  const values: Record<string, string> = {
    scene_name: scene?.name ?? '',
    scene_description: scene?.description ?? '',
    background: typeof p.background === 'string' ? p.background : typeof p.backdrop === 'string' ? p.backdrop : 'clean studio backdrop',
    lighting: typeof p.lighting === 'string' ? p.lighting : typeof p.light === 'string' ? p.light : 'soft natural light',
    gender: (options.gender && GENDER[options.gender]) || 'female',
    age: (options.age && AGE[options.age]) || 'young adult',
    pose: (options.pose && POSE[options.pose]) || 'standing',
    aspect_ratio: options.aspect_ratio ?? '3:4',
    garment_type: (options.garment_type && GARMENT[options.garment_type]) || 'top',
    extra: quoteUserText(options.extra),
  }
  return { prompt: renderTemplate(tpl.template, values), negative_prompt: tpl.negative_prompt, template_version: tpl.version }
}

export async function listTemplates(rt: Runtime, type?: WorkType): Promise<PromptTemplateDoc[]> {
  const _ = rt.db.command
  const res = must(await rt.db.collection('prompt_templates').where(type ? { type } : { _id: _.exists(true) }).orderBy('type', 'asc').orderBy('version', 'desc').limit(1000).get()) as { data: PromptTemplateDoc[] }
  return res.data
}

/** Adds version n+1 of a type's template, makes it the active one and records the change. */
export async function addTemplateVersion(
  rt: Runtime,
  actor: string,
  input: { type: WorkType; template: string; negative_prompt: string },
  now: Date,
  requestId: string,
): Promise<{ _id: string; version: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const all = await listTemplates(rt, input.type)
    const before = all.find((t) => t.is_active) ?? null
    const version = Math.max(0, ...all.map((t) => t.version)) + 1
    const doc: PromptTemplateDoc = { _id: `${input.type}-v${version}`, type: input.type, version, template: input.template, negative_prompt: input.negative_prompt, is_active: true, created_by: actor, created_at: now }
    try {
      must(await rt.db.collection('prompt_templates').add(doc))
    } catch (err) {
      if (isDuplicateKey(err)) continue // another admin saved the same version number first
      throw err
    }
    const _ = rt.db.command
    must(await rt.db.collection('prompt_templates').where({ type: input.type, is_active: true, version: _.lt(version) }).update({ is_active: false }))
    await writeAudit(rt, { actor, action: 'prompt_template.add_version', target: `prompt_templates/${doc._id}`, before, after: doc, requestId, now })
    return { _id: doc._id, version }
  }
  throw new AppError('CONFLICT', '模板保存冲突，请重试')
}
