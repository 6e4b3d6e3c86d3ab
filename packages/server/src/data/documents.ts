/**
 * Document shapes of the collections (seed fields kept, snake_case). The users collection uses the openid
 * as `_id`, which makes registration idempotent under concurrency (a second insert is a duplicate key).
 */
export interface UserDoc {
  _id: string
  openid: string
  nickname: string
  avatar_url: string
  credits: number
  invite_code: string
  invited_by: string | null
  checkin_streak: number
  last_checkin_date: string | null
  created_at: Date
  updated_at: Date
}

export type LedgerKind = 'signup_bonus' | 'invite_reward' | 'checkin' | 'recharge' | 'consume' | 'refund' | 'admin_adjust'

export interface LedgerDoc {
  _id: string
  user_openid: string
  delta: number
  balance_after: number
  kind: LedgerKind
  ref_id: string
  reason: string | null
  created_at: Date
}

// ---- Generation pipeline (scenes, prompts, assets, works, tasks, providers, notifications) ----

export type SceneCategory = 'indoor' | 'outdoor' | 'studio' | 'street'
export type WorkType = 'photography' | 'fitting'
export type TaskStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled'

export interface SceneDoc {
  _id: string
  name: string
  category: SceneCategory
  description: string
  /** Storage file id of the thumbnail (`scenes/<id>.jpg`), or an external URL set by an admin; '' until rendered. */
  thumbnail_url: string
  parameters: Record<string, string | number | boolean>
  sort_order: number
  is_active: boolean
  created_at: Date
  updated_at: Date
}

export interface PromptTemplateDoc {
  /** `<type>:v<version>`. */
  _id: string
  type: WorkType
  version: number
  /** Text with `{placeholder}`s, substituted once (values are never re-scanned). */
  template: string
  negative_prompt: string
  is_active: boolean
  created_by: string
  created_at: Date
}

/** One uploaded file a user may use as a generation input; `_id` = `<openid>:<sha256>` (unique per user). */
export interface AssetDoc {
  _id: string
  user_openid: string
  hash: string
  size: number
  file_id: string
  /** Pixel size read at registration; generation inputs need both sides ≥ MIN_IMAGE_SIDE (avatars need not). */
  width?: number
  height?: number
  created_at: Date
  /** The asynchronous image check of this file (absent on assets registered before moderation existed). */
  moderation?: { trace_id: string | null; status: ModerationStatus }
}

/** pending: submitted, no verdict yet; unchecked: the submission failed. Only `pass` lets anyone see an output. */
export type ModerationStatus = 'pending' | 'unchecked' | 'pass' | 'review' | 'risky'

/** One mediaCheckAsync submission, `_id` = its trace id (what the wxa_media_check push carries). */
export interface MediaCheckDoc {
  _id: string
  file_id: string
  user_openid: string
  /** cover: a showcase's example image (operators' content users see on the home page). */
  kind: 'input' | 'output' | 'cover'
  status: 'pending' | 'pass' | 'review' | 'risky'
  label: string | null
  /** The task whose output this is (outputs), the asset (inputs) or the showcase (covers). */
  task_id: string | null
  asset_id: string | null
  showcase_id?: string | null
  submitted_at: Date
  verdict_at: Date | null
}

/** A task whose outputs exist but are not shown until every input and output passed the image check. */
export interface ModerationHold {
  outputs: string[]
  provider_id: string | null
  checks: Array<{ file_id: string; trace_id: string | null; kind: 'input' | 'output' }>
  /** After this, a check without a verdict counts as failed (docs/decisions.md "Image moderation"). */
  deadline: Date
}

export interface WorkDoc {
  _id: string
  user_openid: string
  type: WorkType
  status: TaskStatus
  task_id: string
  /** Result file ids (`users/<openid>/works/<work_id>/<n>.jpg`). */
  images: string[]
  /** Inputs and options, enough to regenerate ("再来一张"). */
  parameters: WorkParameters
  scene_id: string | null
  is_favorite: boolean
  created_at: Date
  cost: number
  refunded: number
  error: string | null
  completed_at: Date | null
  deleted: boolean
  deleted_at?: Date | null
  /**
   * Files still to remove: a deleted work's images, what its settled task stored but the work does not show (step
   * outputs, staged inputs, unshown held outputs). Listed in the settling transaction, emptied as they are deleted
   * (works/work-files.ts; the retention sweep retries failures).
   */
  files_to_remove?: string[]
  /**
   * True while `files_to_remove` is non-empty: the retention sweep (every minute) finds these works through the
   * `files_pending` index instead of scanning every deleted work ever.
   */
  files_pending?: boolean
}

export type PhotographyMode = 'on_model' | 'scene' | 'packshot'
export type WorkMode = PhotographyMode | 'fitting' | 'upscale'

export interface WorkParameters {
  count: number
  garment_images: string[]
  person_image?: string
  garment_type?: string
  options: Record<string, unknown>
  from_work_id?: string | null
  /** Photography works: the output mode (absent on works made before modes = 'scene'); 'upscale' works too. */
  mode?: WorkMode
  /** on_model: the bottom of a top + bottom pair. */
  bottom_garment_image?: string
  /** on_model: the library model used (chosen at generate time, also when the user asked for 随机). */
  model_id?: string
  /** on_model: the photo the garment is put on (the library model's file, or the user's own upload). */
  model_image?: string
  /** True when the model was picked at random among matching ones. */
  model_random?: boolean
  /** 画同款 source. */
  from_showcase_id?: string
  /** upscale works: the work and image upscaled, and the factor. */
  source_work_id?: string
  source_image?: string
  scale?: number
  /** generateBatch: the request and this work's position in it. */
  batch_id?: string
  batch_index?: number
}

export type TaskStepKind = 'cutout' | 'tryon' | 'scene' | 'packshot' | 'upscale'

/**
 * One provider step of a task. A step is a list of units (provider jobs); each unit's stored output file ids are
 * written on the task before the next unit or step starts, so a reclaimed task resumes where it stopped.
 */
export interface TaskStep {
  kind: TaskStepKind
  /** Per unit: the images it was asked for (null until the step starts and its units are planned). */
  units: Array<{ count: number; source: number | null; outputs: string[] | null; failed?: string }> | null
}

/** A model of the 模特库: a photo in storage with the attributes 随机 matches on. */
export interface ModelDoc {
  _id: string
  name: string
  gender: 'female' | 'male'
  age: 'child' | 'young' | 'adult' | 'senior'
  body: 'slim' | 'regular' | 'curvy' | 'plus'
  pose: 'standing' | 'walking' | 'sitting' | 'half_body'
  skin_tone: 'light' | 'medium' | 'tan' | 'deep'
  scene_id: string | null
  /** The full photo handed to try-on providers. */
  file_id: string
  thumbnail_file_id: string | null
  source: 'drawn' | 'licensed' | 'generated'
  licence: string
  is_active: boolean
  sort_order: number
  /** The photo's image check (absent: a seeded drawing). Users see the model only once it passed. */
  photo_moderation?: { trace_id: string | null; status: ModerationStatus }
  created_at: Date
  updated_at: Date
}

/** A 画同款 preset: a mode, a scene, a model and options, with an example image. */
export interface ShowcaseDoc {
  _id: string
  title: string
  mode: PhotographyMode
  scene_id: string | null
  model_id: string | null
  options: Record<string, unknown>
  /** Storage file id of the example image ('' until rendered). */
  cover_file_id: string
  /**
   * Set by admin/upsertShowcase: the cover is the showcase's own copy (`showcases/<id>/…`) of an admin upload or a
   * work's image, deleted when replaced. Absent on seeded showcases, whose cover is a library drawing they share.
   */
  cover_origin?: { kind: 'upload' | 'work'; ref: string }
  /**
   * The image check of an uploaded/copied cover (the verdict push updates it in the same transaction as the check).
   * Users see the showcase only when this is absent (seeded) or `pass`.
   */
  cover_moderation?: { trace_id: string | null; status: ModerationStatus }
  sort_order: number
  is_active: boolean
  created_at: Date
  updated_at: Date
}

export interface TaskDoc {
  /** Deterministic when a request_id is given: sha256(openid + request_id), so duplicates collide on `_id`. */
  _id: string
  user_openid: string
  type: WorkType
  status: TaskStatus
  params: WorkParameters & { scene_id: string | null; unit_price: number }
  result: { images: string[]; provider_id: string | null } | null
  created_at: Date
  updated_at: Date
  attempts: number
  max_attempts: number
  lease_until: Date | null
  /** Changes on every claim: a worker whose lease was taken over can no longer settle the task. */
  lease_id: string | null
  next_attempt_at: Date
  provider_id: string | null
  provider_task_id: string | null
  /** When the current provider job was submitted (poll timeout). */
  submitted_at: Date | null
  /** The provider concurrency slot (`provider_slots`) the running provider job holds. */
  provider_slot?: string | null
  /**
   * Inputs staged for provider jobs (normalised copies, cut-outs), listed before the provider gets their URL and
   * deleted when the job ends; a settle moves what is left to the work's `files_to_remove`.
   */
  staged_files?: string[]
  progress: number
  request_id: string | null
  work_id: string
  cost: number
  refunded: number
  error: string | null
  finished_at: Date | null
  /** Hash of the request's inputs: a request_id reused for a different request is a CONFLICT. */
  fingerprint?: string
  /** The provider steps in order (absent on tasks queued before steps existed: one step of the type's kind). */
  steps?: TaskStep[]
  /** The step being worked on (index into steps). */
  step_index?: number
  /** Attempts of the current unit of the current step (the retry limit applies per unit; `attempts` is the total). */
  unit_attempts?: number
  /** Set while the outputs wait for their image checks (the task stays `processing`). */
  moderation?: ModerationHold | null
}

export interface ApiConfigDoc {
  _id: string
  provider: string
  api_name: string
  endpoint: string
  /** Header values encrypted with lib/secret-box (`v1:...`). */
  headers: Record<string, string>
  default_params: Record<string, unknown>
  /** Higher runs first (same rule as @aiphoto/imaging pickProvider; the index sorts priority descending). */
  priority: number
  weight: number
  is_active: boolean
  /** Circuit breaker: consecutive failures and when an open circuit may be tried again. */
  failures: number
  open_until: Date | null
  /** How often the worker polls an asynchronous job of this provider. */
  poll_interval_ms?: number
  /** Account limits (queue/provider-limits.ts); unset fields fall back to the provider's documented limits. */
  limits?: { max_concurrent?: number | null; submits_per_second?: number | null }
  created_at: Date
  updated_at: Date
}

export interface NotificationDoc {
  _id: string
  user_openid: string
  channel: string
  template_id: string
  page: string | null
  data: Record<string, { value: string }>
  result: { ok: boolean; errCode?: number; errMsg?: string }
  task_id?: string
  event?: string
  created_at: Date
}

/** Audit record of an admin change: who, what, before and after. */
export interface AuditLogDoc {
  _id: string
  kind: 'audit'
  actor: string
  action: string
  target: string
  before: unknown
  after: unknown
  request_id: string
  created_at: Date
}

// ---- Payment (credit packages, orders, payment event log) ----

/** A credit package on sale; `_id` is a readable id (`pkg_6`); a paid order keeps its own copy of price and credits. */
export interface CreditPackageDoc {
  _id: string
  name: string
  price_fen: number
  base_credits: number
  bonus_credits: number
  tag: string | null
  sort_order: number
  is_active: boolean
  created_at: Date
  updated_at: Date
}

export type OrderStatus = 'pending' | 'paid' | 'closed' | 'refunded'

/**
 * A recharge order. Seed fields (`user_openid, type, amount, credits, status, created_at`) are kept; `amount` is in
 * fen like `amount_fen` (integers for money). `credits` is what paying grants (base + bonus at creation time).
 */
export interface OrderDoc {
  _id: string
  user_openid: string
  type: 'recharge'
  amount: number
  credits: number
  status: OrderStatus
  created_at: Date
  /** ≤ 32 of [0-9A-Za-z_-], unique (index `out_trade_no_unique`): the merchant order number the provider knows. */
  out_trade_no: string
  package_id: string
  package_name: string
  amount_fen: number
  transaction_id: string | null
  paid_at: Date | null
  expires_at: Date
  closed_at: Date | null
  updated_at: Date
}

/** A payment event worth keeping (credited, replayed, forged, early, paid after close) in `logs`. */
export interface PaymentLogDoc {
  _id?: string
  kind: 'payment'
  level: 'info' | 'warn' | 'error'
  event: string
  out_trade_no: string
  user_openid: string | null
  source: 'callback' | 'query' | 'close'
  details: Record<string, unknown>
  request_id: string | null
  created_at: Date
}
