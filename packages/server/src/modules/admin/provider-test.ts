/**
 * `admin/testApiConfig`: one tiny job on one provider config, so an operator sees at once whether an endpoint and
 * key work: one image of a built-in 384×512 garment photo for background generation, the same photo enlarged 2×
 * for an upscale (高清放大) config, or one portrait from a short prompt for a text-to-image config. Nobody is
 * charged and nothing is kept beyond the fixed test files; the breaker is not touched (a test is not traffic). An
 * asynchronous provider is polled within a short budget and reported as still running.
 */
import type { GenerationJob, GenerationKind, Runtime } from '@aiphoto/runtime'
import { defineProcedures, openidOf } from '../../procedure'
import { AppError } from '../../errors'
import { getDoc } from '../../lib/db'
import type { ApiConfigDoc } from '../../data/documents'
import { buildProvider } from '../queue/providers'
import { writeAudit } from '../catalog/audit'
import { TEST_GARMENT_JPEG_BASE64 } from './provider-test-image'

const BUDGET_MS = 20_000
const TEST_FILE = 'admin/provider-test/garment.jpg'
/** What a test job can exercise, in order of preference (try-on would need a person photo too). */
const TESTABLE_KINDS = ['photography', 'upscale', 'text_to_image'] as const satisfies readonly GenerationKind[]
type TestKind = (typeof TESTABLE_KINDS)[number]

type Outcome = { ok: boolean; outcome: 'succeeded' | 'running' | 'failed' | 'unavailable'; provider_task_id: string | null; images: number; message: string }

async function testJob(rt: Runtime, kind: TestKind): Promise<GenerationJob> {
  const bytes = Buffer.from(TEST_GARMENT_JPEG_BASE64, 'base64')
  const { fileId } = await rt.storage.upload({ cloudPath: TEST_FILE, content: bytes, contentType: 'image/jpeg' })
  const [url] = await rt.storage.getTempUrls([fileId], 600)
  const base = {
    prompt: 'a plain blue t-shirt on a white studio background, product photo',
    negativePrompt: '',
    count: 1,
    aspectRatio: '3:4' as const,
    scene: { id: 'provider-test', name: '测试', category: 'studio', parameters: { backdrop: 'white', light: 'studio' } },
    options: {},
    // A prepared input (e.g. the photo enlarged to a provider's minimum size) goes to one fixed, overwritten file.
    stage: async (file: { bytes: Buffer; contentType: 'image/jpeg' | 'image/png'; name: string }) => {
      const staged = await rt.storage.upload({ cloudPath: `admin/provider-test/staged.${file.contentType === 'image/png' ? 'png' : 'jpg'}`, content: file.bytes, contentType: file.contentType })
      const [signed] = await rt.storage.getTempUrls([staged.fileId], 600)
      if (!signed?.url) throw new Error('staged test input has no URL')
      return signed.url
    },
  }
  if (kind === 'upscale') return { ...base, kind, inputs: { garments: [], source: bytes }, inputUrls: { garments: [], source: url?.url ?? '' }, scale: 2 }
  if (kind === 'text_to_image') return { ...base, kind, prompt: 'Studio fashion photo of a young adult woman model, standing, front-facing, full body, plain light grey backdrop', inputs: { garments: [] }, inputUrls: { garments: [] } }
  return { ...base, kind, inputs: { garments: [bytes] }, inputUrls: { garments: [url?.url ?? ''] } }
}

async function runTest(rt: Runtime, config: ApiConfigDoc): Promise<Outcome> {
  const handle = buildProvider(rt, config)
  if (!handle) return { ok: false, outcome: 'unavailable', provider_task_id: null, images: 0, message: '无法构建该服务商（未知类型或密钥无法解密）' }
  const kind = TESTABLE_KINDS.find((k) => handle.provider.supports(k))
  if (!kind) return { ok: false, outcome: 'unavailable', provider_task_id: null, images: 0, message: '该服务商不支持可测试的任务（服装摄影、高清放大、文生图）' }
  const started = performance.now()
  try {
    let result = await handle.provider.submit(await testJob(rt, kind))
    let taskId: string | null = null
    while (result.state === 'running') {
      taskId = result.providerTaskId
      if (performance.now() - started + handle.pollIntervalMs > BUDGET_MS) {
        return { ok: true, outcome: 'running', provider_task_id: taskId, images: 0, message: '已提交，仍在处理中（服务商可用）' }
      }
      await new Promise((r) => setTimeout(r, handle.pollIntervalMs))
      result = await handle.provider.poll(taskId)
    }
    if (result.state === 'throttled') return { ok: true, outcome: 'running', provider_task_id: taskId, images: 0, message: `服务商限流（可用，稍后再试）：${result.reason.slice(0, 120)}` }
    if (result.state === 'succeeded') return { ok: true, outcome: 'succeeded', provider_task_id: taskId, images: result.images.length, message: `成功，返回 ${result.images.length} 张图片` }
    return { ok: false, outcome: 'failed', provider_task_id: taskId, images: 0, message: `失败：${result.reason.slice(0, 200)}` }
  } catch (err) {
    // Adapter messages may quote the request; only a bounded, key-free summary is shown (keys are never in them).
    return { ok: false, outcome: 'failed', provider_task_id: null, images: 0, message: `调用出错：${String((err as Error)?.message ?? err).slice(0, 200)}` }
  }
}

export const adminProviderTestProcedures = defineProcedures({
  'admin/testApiConfig': async ({ rt, input, caller, now, requestId }) => {
    const config = await getDoc<ApiConfigDoc>(rt.db, 'api_configs', input._id)
    if (!config) throw new AppError('NOT_FOUND', '服务商配置不存在')
    const t0 = performance.now()
    const out = await runTest(rt, config)
    const result = { ...out, ms: Math.round(performance.now() - t0) }
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/testApiConfig', target: `api_configs:${config._id}`, before: null, after: { outcome: result.outcome, ms: result.ms }, requestId, now })
    return result
  },
})
