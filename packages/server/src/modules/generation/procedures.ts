import { BATCH_MAX_ITEMS } from '@aiphoto/contract'
import { defineProcedures, openidOf } from '../../procedure'
import { generate, generateBatch, upscaleWork } from './generate'
import { getProgress } from './progress'
import { subscribeTemplateIds } from '../notify/notify'

export const generationProcedures = defineProcedures({
  'photography/generate': async ({ rt, caller, input, now }) =>
    generate(
      rt,
      openidOf(caller),
      {
        type: 'photography',
        mode: input.mode,
        garment_images: input.garment_images,
        garment_type: input.garment_type,
        bottom_garment_image: input.bottom_garment_image,
        model_id: input.model_id,
        model_image: input.model_image,
        scene_id: input.scene_id,
        count: input.count,
        options: input.options,
        request_id: input.request_id,
        from_work_id: input.from_work_id,
        from_showcase_id: input.from_showcase_id,
      },
      now,
    ),

  'photography/generateBatch': async ({ rt, caller, input, now }) =>
    generateBatch(
      rt,
      openidOf(caller),
      {
        items: input.items,
        mode: input.mode,
        model_id: input.model_id,
        model_image: input.model_image,
        scene_id: input.scene_id,
        count: input.count,
        options: input.options,
        request_id: input.request_id,
        from_showcase_id: input.from_showcase_id,
      },
      now,
    ),

  'photography/upscale': async ({ rt, caller, input, now }) => upscaleWork(rt, openidOf(caller), input, now),

  'fitting/generate': async ({ rt, caller, input, now }) =>
    generate(
      rt,
      openidOf(caller),
      {
        type: 'fitting',
        garment_images: input.garment_image ? [input.garment_image] : undefined,
        person_image: input.person_image,
        garment_type: input.garment_type,
        count: 1,
        options: {},
        request_id: input.request_id,
        from_work_id: input.from_work_id,
      },
      now,
    ),

  'photography/getProgress': async ({ rt, caller, input, now }) => getProgress(rt, openidOf(caller), input.task_id, now),
  'photography/getPricing': async ({ rt }) => {
    const p = rt.config.pricing
    return {
      photography_per_image: p.photographyPerImage,
      fitting_per_image: p.fittingPerImage,
      modes: { on_model: p.onModelPerImage, scene: p.photographyPerImage, packshot: p.packshotPerImage },
      upscale_per_image: p.upscalePerImage,
      batch_max_items: BATCH_MAX_ITEMS,
      subscribe_template_ids: subscribeTemplateIds(rt),
    }
  },
})
