/**
 * `admin/testApiConfig`: one tiny job (one image of a built-in 4 KB garment) on one provider config, so an operator
 * sees at once whether an endpoint and key work. Nobody is charged and nothing is kept; the breaker is not touched
 * (a test is not traffic). An asynchronous provider is polled within a short budget and reported as still running.
 */
import type { GenerationJob, Runtime } from '@aiphoto/runtime'
import { defineProcedures, openidOf } from '../../procedure'
import { AppError } from '../../errors'
import { getDoc } from '../../lib/db'
import type { ApiConfigDoc } from '../../data/documents'
import { buildProvider } from '../queue/providers'
import { writeAudit } from '../catalog/audit'
import { TEST_GARMENT_JPEG_BASE64 } from './provider-test-image'

const BUDGET_MS = 20_000
const TEST_FILE = 'admin/provider-test/garment.jpg'

type Outcome = { ok: boolean; outcome: 'succeeded' | 'running' | 'failed' | 'unavailable'; provider_task_id: string | null; images: number; message: string }

async function testJob(rt: Runtime): Promise<GenerationJob> {
  const bytes = Buffer.from(TEST_GARMENT_JPEG_BASE64, 'base64')
  const { fileId } = await rt.storage.upload({ cloudPath: TEST_FILE, content: bytes, contentType: 'image/jpeg' })
  const [url] = await rt.storage.getTempUrls([fileId], 600)
  return {
    kind: 'photography',
    inputs: { garments: [bytes] },
    inputUrls: { garments: [url?.url ?? ''] },
    prompt: 'a plain blue t-shirt on a white studio background, product photo',
    negativePrompt: '',
    count: 1,
    aspectRatio: '3:4',
    scene: { id: 'provider-test', name: '测试', category: 'studio', parameters: { backdrop: 'white', light: 'studio' } },
    options: {},
  }
}

async function runTest(rt: Runtime, config: ApiConfigDoc): Promise<Outcome> {
  const handle = buildProvider(rt, config)
  if (!handle) return { ok: false, outcome: 'unavailable', provider_task_id: null, images: 0, message: '无法构建该服务商（未知类型或密钥无法解密）' }
  if (!handle.provider.supports('photography')) return { ok: false, outcome: 'unavailable', provider_task_id: null, images: 0, message: '该服务商不支持服装摄影任务' }
  const started = performance.now()
  try {
    let result = await handle.provider.submit(await testJob(rt))
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
