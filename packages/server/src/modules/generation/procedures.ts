import { defineProcedures, openidOf } from '../../procedure'
import { generate } from './generate'
import { getProgress } from './progress'
import { subscribeTemplateIds } from '../notify/notify'

export const generationProcedures = defineProcedures({
  'photography/generate': async ({ rt, caller, input, now }) =>
    generate(
      rt,
      openidOf(caller),
      {
        type: 'photography',
        garment_images: input.garment_images,
        scene_id: input.scene_id,
        count: input.count,
        options: input.options,
        request_id: input.request_id,
        from_work_id: input.from_work_id,
      },
      now,
    ),

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
  'photography/getPricing': async ({ rt }) => ({
    photography_per_image: rt.config.pricing.photographyPerImage,
    fitting_per_image: rt.config.pricing.fittingPerImage,
    subscribe_template_ids: subscribeTemplateIds(rt),
  }),
})
