/**
 * Test fixtures for the generation pipeline (imported by *.test.ts only): a gateway with the real image
 * providers, seeded scenes/templates/provider config, users with uploaded inputs, and the money invariant.
 */
import { createHash } from 'node:crypto'
import { createFixtureGarment, createFixturePerson, createProvider, drawModelFigure, renderSceneThumbnail } from '@aiphoto/imaging'
import type { ImageProvider, ProviderConfig, ProviderFactory } from '@aiphoto/runtime'
import { expect } from 'vitest'
import { seedDatabase } from '../../seed'
import { createTestGateway, type TestGateway, type TestGatewayOptions } from '../../testing'
import { ledgerSum } from '../ledger/ledger'

let garment: Promise<Buffer> | null = null
let person: Promise<Buffer> | null = null
export const garmentBytes = () => (garment ??= createFixtureGarment({ format: 'jpeg' }))
export const personBytes = () => (person ??= createFixturePerson({ format: 'jpeg' }))

/** Extra providers by `api_configs.provider` name, on top of imaging's factory. */
export function withProviders(extra: Record<string, (config: ProviderConfig) => ImageProvider | null>): ProviderFactory {
  return (config) => (extra[config.provider] ? extra[config.provider]!(config) : createProvider(config))
}

export async function pipelineGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const gw = await createTestGateway({ providers: createProvider, ...opts })
  await seedDatabase(gw.rt, { renderSceneThumbnail: (params, size) => renderSceneThumbnail(params, size), renderModelFigure: (attrs, size) => drawModelFigure(attrs, size) })
  return gw
}

export async function register(gw: TestGateway, openid: string): Promise<void> {
  await gw.as(openid).ok('user/register', {})
}

/** Uploads bytes into the user's folder and registers them as an asset; returns the file id. */
export async function upload(gw: TestGateway, openid: string, bytes: Buffer, name = 'garment.jpg'): Promise<string> {
  const { fileId } = await gw.rt.storage.upload({ cloudPath: `users/${openid}/uploads/${name}`, content: bytes, contentType: 'image/jpeg' })
  const hash = createHash('sha256').update(bytes).digest('hex')
  return (await gw.as(openid).ok('storage/registerAsset', { hash, size: bytes.length, file_id: fileId })).file_id
}

export async function credits(gw: TestGateway, openid: string): Promise<number> {
  return (await gw.as(openid).ok('user/getUserInfo')).credits
}

/** users.credits == sum(ledger) and never negative, for every user. */
export async function expectInvariants(gw: TestGateway): Promise<void> {
  const users = (await gw.rt.db.collection('users').limit(1000).get()).data as Array<{ _id: string; credits: number }>
  for (const u of users) {
    expect(u.credits, `credits of ${u._id}`).toBeGreaterThanOrEqual(0)
    expect(await ledgerSum(gw.rt.db, u._id), `ledger of ${u._id}`).toBe(u.credits)
  }
}

export async function ledger(gw: TestGateway, openid: string) {
  return (await gw.rt.db.collection('credit_ledger').where({ user_openid: openid }).limit(1000).get()).data as Array<{ _id: string; delta: number; kind: string; reason: string | null }>
}

export async function taskDoc(gw: TestGateway, taskId: string) {
  return (await gw.rt.db.collection('task_queue').doc(taskId).get()).data[0] as Record<string, unknown> & { status: string; attempts: number; refunded: number; lease_until: Date | null }
}

/**
 * One worker pass, then the image-check verdicts it caused arrive (as the platform would push them, later), which
 * completes (or fails) the tasks that waited for them. The answer is the pass's own count: a task that waited
 * for its checks is counted `running` there.
 */
export async function runWorker(gw: TestGateway, input: { max_tasks?: number; budget_ms?: number; verdicts?: boolean } = {}) {
  const pass = await gw.system.ok('queue/processTask', { max_tasks: input.max_tasks ?? 8, budget_ms: input.budget_ms ?? 20_000 })
  if (input.verdicts !== false) await gw.flushMediaChecks()
  return pass
}

/** Width/height from a JPEG's SOF marker (null if not a JPEG). */
export function jpegSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null
  let i = 2
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return null
    const marker = buf[i + 1]!
    const len = buf.readUInt16BE(i + 2)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) }
    }
    i += 2 + len
  }
  return null
}

/** Adds a provider config (headers sealed like admin/upsertApiConfig would). */
export async function addProviderConfig(gw: TestGateway, doc: { _id: string; provider: string; api_name?: string; endpoint?: string; headers?: Record<string, string>; priority: number; weight?: number; default_params?: Record<string, unknown>; poll_interval_ms?: number; is_active?: boolean }) {
  const { sealHeaders } = await import('../../lib/secret-box')
  const now = gw.clock.now()
  await gw.rt.db.collection('api_configs').add({
    _id: doc._id,
    provider: doc.provider,
    api_name: doc.api_name ?? doc.provider,
    endpoint: doc.endpoint ?? `local:${doc._id}`,
    headers: sealHeaders(gw.rt.config.secretKey, doc._id, doc.headers ?? {}),
    default_params: doc.default_params ?? {},
    priority: doc.priority,
    weight: doc.weight ?? 10,
    is_active: doc.is_active ?? true,
    failures: 0,
    open_until: null,
    poll_interval_ms: doc.poll_interval_ms ?? 50,
    created_at: now,
    updated_at: now,
  })
}
