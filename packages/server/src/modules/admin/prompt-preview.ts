/** `admin/previewPrompt`: what a template (draft or active) renders to for a scene and sample options, before saving it. */
import type { WorkType } from '../../data/documents'
import { defineProcedures } from '../../procedure'
import { AppError } from '../../errors'
import { getDoc } from '../../lib/db'
import type { SceneDoc } from '../../data/documents'
import { activeTemplate, renderPrompt } from '../catalog/prompts'
import { TEMPLATE_PLACEHOLDERS } from '../catalog/prompt-render'

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_PLACEHOLDERS)

export const adminPromptPreviewProcedures = defineProcedures({
  'admin/previewPrompt': async ({ rt, input }) => {
    const scene = input.scene_id ? await getDoc<SceneDoc>(rt.db, 'scenes', input.scene_id) : null
    if (input.scene_id && !scene) throw new AppError('NOT_FOUND', '场景不存在')
    const draft = input.template !== undefined ? { template: input.template, negative_prompt: input.negative_prompt ?? '' } : undefined
    const rendered = await renderPrompt(rt, input.type as WorkType, scene, input.options, draft)
    const text = draft?.template ?? (await activeTemplate(rt, input.type as WorkType)).template
    // The same placeholder pattern as renderTemplate: an unknown one renders as nothing, which the admin should see.
    const used = [...text.matchAll(/\{([a-z_][a-z0-9_]{0,40})\}/g)].map((m) => m[1]!)
    return { prompt: rendered.prompt, negative_prompt: rendered.negative_prompt, unknown_placeholders: [...new Set(used.filter((p) => !KNOWN.has(p)))] }
  },
})
