import type { Database } from './database'
import type { StoragePort } from './storage'
import type { PaymentPort } from './payment'
import type { MessagesPort } from './messages'
import type { SchedulerPort } from './scheduler'
import type { IdentityPort } from './identity'
import type { Clock } from './clock'
import type { Ids } from './ids'
import type { Logger } from './logger'
import type { ContentSafetyPort } from './content-safety'
import type { ProviderFactory } from './image-provider'

/** Deployment settings, read once from the environment by each runtime (never scattered `process.env`). */
export interface RuntimeConfig {
  /** Name shown in logs: 'cloudbase' or 'local'. */
  runtimeName: 'cloudbase' | 'local' | 'test'
  adminOpenids: string[]
  /** 32-byte key for AES-256-GCM encryption of secrets at rest (api_configs keys). */
  secretKey: Buffer
  /** Key used to hash openids in logs. */
  logSalt: string
  /** Subscribe-message templates by event: the template id and which of its data keys carries which field. */
  templates: { taskDone?: SubscribeTemplate; taskFailed?: SubscribeTemplate }
  /** Credits charged per generated image: photography's scene mode (the seed's price), try-on, the other modes, HD. */
  pricing: { photographyPerImage: number; fittingPerImage: number; onModelPerImage: number; packshotPerImage: number; upscalePerImage: number }
  signupBonus: number
  inviteReward: { inviter: number; invitee: number }
  /** Per user and action: calls allowed per window. */
  rateLimit: { windowMs: number; defaultMax: number }
}

/** The fields a task message can fill; a template maps each field it shows to one of its data keys. */
export type MessageField = 'type' | 'status' | 'time' | 'note'

/** One subscribe-message template as chosen in the console (公共模板库 → 我的模板). */
export interface SubscribeTemplate {
  id: string
  /** Field → the template's data key, e.g. `{ type: 'thing1', status: 'phrase2', time: 'time3' }`. */
  keys: Partial<Record<MessageField, string>>
}

/** Everything domain code may touch. Built by `@aiphoto/cloudbase-runtime` or `@aiphoto/local-runtime`. */
export interface Runtime {
  db: Database
  storage: StoragePort
  payment: PaymentPort
  messages: MessagesPort
  scheduler: SchedulerPort
  identity: IdentityPort
  clock: Clock
  ids: Ids
  logger: Logger
  contentSafety: ContentSafetyPort
  providers: ProviderFactory
  config: RuntimeConfig
}
