import { defineProcedures, openidOf } from '../../procedure'
import { toIso } from '../../lib/db'
import { addTemplateVersion, listTemplates, renderPrompt } from './prompts'
import { listActiveScenes, listAllScenes, requireActiveScene, upsertScene } from './scenes'

export const catalogProcedures = defineProcedures({
  'scene/getScenes': async ({ rt, input }) => ({ items: await listActiveScenes(rt, input.category) }),

  'prompt/generatePrompt': async ({ rt, input }) => {
    const scene = input.type === 'photography' ? await requireActiveScene(rt, input.scene_id) : null
    return renderPrompt(rt, input.type, scene, input.options)
  },

  'admin/listScenes': async ({ rt }) => ({ items: await listAllScenes(rt) }),

  'admin/upsertScene': async ({ rt, caller, input, now, requestId }) => upsertScene(rt, openidOf(caller), input, now, requestId),

  'admin/listPromptTemplates': async ({ rt, input }) => ({
    items: (await listTemplates(rt, input.type)).map((t) => ({
      _id: t._id,
      type: t.type,
      version: t.version,
      template: t.template,
      negative_prompt: t.negative_prompt,
      is_active: t.is_active,
      created_at: toIso(t.created_at),
    })),
  }),

  'admin/upsertPromptTemplate': async ({ rt, caller, input, now, requestId }) => addTemplateVersion(rt, openidOf(caller), input, now, requestId),
})
