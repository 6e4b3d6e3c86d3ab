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
  /** Subscribe-message template ids by event. */
  templates: { taskDone?: string; taskFailed?: string }
  /** Credits charged per generated image: photography's scene mode (the seed's price), try-on, the other modes, HD. */
  pricing: { photographyPerImage: number; fittingPerImage: number; onModelPerImage: number; packshotPerImage: number; upscalePerImage: number }
  signupBonus: number
  inviteReward: { inviter: number; invitee: number }
  /** Per user and action: calls allowed per window. */
  rateLimit: { windowMs: number; defaultMax: number }
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
