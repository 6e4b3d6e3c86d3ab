/**
 * A fake Stability AI `v2beta/stable-image/generate/{core|ultra|sd3}`: multipart form in, image bytes out
 * (`Accept: image/*`), `finish-reason` and `seed` headers, JSON errors `{ id, name, errors }`, Bearer-key
 * check, and the same injectable faults as the DashScope fake.
 */
import { renderSceneThumbnail } from '../local/backdrop'
import { startFakeServer, type FakeServerBase, type RecordedRequest } from './fake-server'

export interface FakeStabilityOptions {
  apiKey?: string
  slowMs?: number
}

export interface FakeStability extends FakeServerBase {
  /** The next `times` generations answer 200 with `finish-reason: CONTENT_FILTERED`. */
  filterNext(times?: number): void
  /** Parsed form fields of every generation request received. */
  forms: Array<Record<string, string>>
}

const ASPECTS: Record<string, [number, number]> = {
  '16:9': [16, 9], '1:1': [1, 1], '21:9': [21, 9], '2:3': [2, 3], '3:2': [3, 2], '4:5': [4, 5], '5:4': [5, 4], '9:16': [9, 16], '9:21': [9, 21],
}

export async function startFakeStability(options: FakeStabilityOptions = {}): Promise<FakeStability> {
  const apiKey = options.apiKey ?? 'test-stability-key'
  const forms: Array<Record<string, string>> = []
  let filtered = 0
  let seq = 0
  const error = (name: string, errors: string[]) => ({ id: `fake-${++seq}`, name, errors })

  const base = await startFakeServer(
    async (req: RecordedRequest, res, fault) => {
      if (fault === 'throttle') return base.send(res, 429, error('rate_limit_exceeded', ['You have exceeded the rate limit of 150 requests within a 10 second period']))
      if (fault === 'server-error') return base.send(res, 500, error('internal_error', ['An unexpected server error has occurred, please try again later.']))
      if (fault === 'bad-request') return base.send(res, 400, error('bad_request', ['some-field: is required']))
      if (fault === 'malformed') return base.send(res, 200, Buffer.from('<html>upstream gateway</html>'), { 'content-type': 'text/html' })
      const m = /^\/v2beta\/stable-image\/generate\/(core|ultra|sd3)\/?$/.exec(req.path.split('?')[0]!)
      if (req.method !== 'POST' || !m) return base.send(res, 404, error('not_found', [`no route ${req.method} ${req.path}`]))
      if (req.headers['authorization'] !== `Bearer ${apiKey}`) return base.send(res, 401, error('unauthorized', ['authorization: invalid or missing API key']))
      const accept = String(req.headers['accept'] ?? '')
      if (accept !== 'image/*' && accept !== 'application/json') return base.send(res, 400, error('bad_request', ['accept: must be image/* or application/json']))
      const contentType = String(req.headers['content-type'] ?? '')
      if (!contentType.startsWith('multipart/form-data')) return base.send(res, 400, error('bad_request', ['content-type: must be multipart/form-data']))
      const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: req.body }).formData()
      const fields: Record<string, string> = {}
      form.forEach((v, k) => (fields[k] = typeof v === 'string' ? v : '[file]'))
      forms.push(fields)
      if (!fields['prompt']) return base.send(res, 400, error('bad_request', ['prompt: cannot be empty']))
      const aspect = fields['aspect_ratio'] ?? '1:1'
      if (!ASPECTS[aspect]) return base.send(res, 400, error('bad_request', [`aspect_ratio: must be one of ${Object.keys(ASPECTS).join(', ')}`]))
      const format = fields['output_format'] ?? 'png'
      if (!['jpeg', 'png', 'webp'].includes(format)) return base.send(res, 400, error('bad_request', ['output_format: must be jpeg, png or webp']))
      const [a, b] = ASPECTS[aspect]!
      const long = 768
      const size = a >= b ? { width: long, height: Math.round((long * b) / a) } : { width: Math.round((long * a) / b), height: long }
      const prompt = fields['prompt'].toLowerCase()
      const backdrop = ['garden', 'beach', 'street', 'cafe', 'loft', 'night'].find((k) => prompt.includes(k)) ?? 'pastel'
      const image = await renderSceneThumbnail({ backdrop }, size, format === 'png' ? 'png' : 'jpeg')
      const isFiltered = filtered > 0
      if (isFiltered) filtered--
      if (accept === 'application/json')
        return base.send(res, 200, { image: image.toString('base64'), finish_reason: isFiltered ? 'CONTENT_FILTERED' : 'SUCCESS', seed: Number(fields['seed'] ?? 1) })
      base.send(res, 200, image, {
        'content-type': format === 'png' ? 'image/png' : 'image/jpeg',
        'finish-reason': isFiltered ? 'CONTENT_FILTERED' : 'SUCCESS',
        seed: fields['seed'] ?? '12345',
      })
    },
    (req) => (req.method === 'POST' ? 'submit' : 'other'),
    options.slowMs ?? 5000,
  )

  return {
    ...base,
    forms,
    filterNext(times = 1) {
      filtered += times
    },
  }
}
