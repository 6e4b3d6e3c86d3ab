/**
 * A CloudBase environment as a provisioning target: collections and indexes through `@cloudbase/manager-node`,
 * documents through `@cloudbase/node-sdk` (the same database API the gateway uses).
 */
import { configFromEnv, jsonLogger, randomIds, systemClock, type IndexSpec, type Runtime } from '@aiphoto/runtime'
import type { ProvisionTarget } from './target'

export async function cloudTarget(env: Record<string, string | undefined>): Promise<ProvisionTarget> {
  const envId = env.TCB_ENV_ID
  const secretId = env.TCB_SECRET_ID
  const secretKey = env.TCB_SECRET_KEY
  if (!envId || !secretId || !secretKey) {
    throw new Error('set TCB_ENV_ID, TCB_SECRET_ID and TCB_SECRET_KEY (or use --local <data dir> for the local emulator)')
  }
  const { default: CloudBase } = await import('@cloudbase/manager-node')
  const tcb = (await import('@cloudbase/node-sdk')).default
  const manager = new CloudBase({ secretId, secretKey, envId })
  const app = tcb.init({ env: envId, secretId, secretKey })
  const config = configFromEnv(env, { runtimeName: 'cloudbase' })
  const unsupported = (what: string) => async () => {
    throw new Error(`${what} is not available while provisioning`)
  }
  const runtime: Runtime = {
    db: app.database() as unknown as Runtime['db'],
    storage: {
      async upload({ cloudPath, content }) {
        const res = await app.uploadFile({ cloudPath, fileContent: content })
        return { fileId: res.fileID }
      },
      download: async (fileId) => (await app.downloadFile({ fileID: fileId })).fileContent as Buffer,
      async getTempUrls(fileIds, ttl = 3600) {
        const res = await app.getTempFileURL({ fileList: fileIds.map((fileID) => ({ fileID, maxAge: ttl })) })
        return res.fileList.map((f: { fileID: string; tempFileURL?: string; code?: string }) => ({ fileId: f.fileID, url: f.code === 'SUCCESS' ? (f.tempFileURL ?? null) : null }))
      },
      async delete(fileIds) {
        await app.deleteFile({ fileList: fileIds })
      },
      async stat() {
        return null
      },
    },
    payment: { provider: 'cloudpay', createPayment: unsupported('payment'), queryOrder: unsupported('payment'), closeOrder: unsupported('payment') },
    messages: { sendSubscribe: unsupported('messages') },
    scheduler: { kick: async () => {} },
    identity: { resolve: () => ({ kind: 'system', source: 'internal' }) },
    clock: systemClock,
    ids: randomIds,
    logger: jsonLogger(),
    contentSafety: { checkText: async () => ({ ok: true }), submitImage: unsupported('contentSafety') },
    providers: () => null,
    config,
  }
  return {
    name: `CloudBase environment ${envId}`,
    runtime,
    async listCollections() {
      const names: string[] = []
      for (let offset = 0; ; offset += 100) {
        const res = await manager.database.listCollections({ MgoLimit: 100, MgoOffset: offset })
        names.push(...res.Collections.map((c) => c.CollectionName))
        if (res.Collections.length < 100) return names
      }
    },
    async createCollection(name) {
      await manager.database.createCollectionIfNotExists(name)
    },
    async listIndexes(collection) {
      const res = await manager.database.describeCollection(collection)
      return (res.Indexes ?? []).map((i) => i.Name)
    },
    async createIndex(spec: IndexSpec) {
      await manager.database.updateCollection(spec.collection, {
        CreateIndexes: [
          {
            IndexName: spec.name,
            MgoKeySchema: {
              MgoIndexKeys: spec.fields.map((f) => ({ Name: f.field, Direction: String(f.direction) })),
              MgoIsUnique: Boolean(spec.unique),
            },
          },
        ],
      })
    },
    close: async () => {},
  }
}
