/**
 * An image generation provider (local sharp compositor, DashScope, Stability...).
 * Providers may finish at once or hand back a provider task id to poll across invocations,
 * because a cloud function must never wait out a long generation.
 */
/**
 * What a job asks of a provider, which is also the capability a provider `supports`:
 * - photography: background generation — the product (or a dressed model's cut-out) in a scene (capability `background`)
 * - fitting: try-on — garments onto a person photo, the library model's or the user's (capability `tryon`)
 * - cutout: a transparent RGBA PNG of the subject of `inputs.source`
 * - packshot: the cut-out on pure white at an exact listing size (`target`)
 * - upscale: `inputs.source` enlarged by `scale`
 * - text_to_image: a photo from `prompt` alone (model library creation)
 * NOTE: 'photography' / 'fitting' keep the seed's names so existing adapters and configs stay valid.
 */
export type GenerationKind = 'photography' | 'fitting' | 'cutout' | 'packshot' | 'upscale' | 'text_to_image'

export interface GenerationJob {
  kind: GenerationKind
  /** Input images as bytes (already fetched from storage) with their file ids. */
  inputs: {
    garments: Buffer[]
    person?: Buffer
    /** The image a cutout/packshot/upscale job works on, or the dressed model a scene step places. */
    source?: Buffer
    /** Transparent cut-outs (RGBA PNG) of the subject, when an earlier step made them. */
    cutouts?: Buffer[]
  }
  /** Input image URLs readable by the provider (signed, expiring); remote providers need URLs, not bytes. */
  inputUrls: {
    garments: string[]
    person?: string
    /** Transparent cut-outs of the garments (what background-generation APIs expect), when uploaded. */
    garmentCutouts?: string[]
    source?: string
  }
  prompt: string
  negativePrompt: string
  count: number
  aspectRatio: '1:1' | '3:4' | '4:3' | '9:16' | '16:9'
  scene: { id: string; name: string; category: string; parameters: Record<string, unknown> }
  options: Record<string, unknown>
  /** Exact output size in px (packshot listing sizes). */
  target?: { width: number; height: number }
  /**
   * The results of this job are the task's photos (its last try-on or scene step): they must come out at
   * `aspectRatio`, reframed if the provider's API cannot be asked for it. Intermediate results (a try-on a scene
   * step will place) keep the provider's framing.
   */
  frameResults?: boolean
  /** upscale: the factor of the long side. */
  scale?: number
  /** Index of this job among the jobs of one step (seeds a different variation per image). */
  variation?: number
  /**
   * Stores a prepared input (an input normalised to the provider's limits, a garment cut-out) and returns a URL
   * the provider can download for the life of the job. Remote adapters call it when an original input would be
   * refused; the worker deletes what was staged once the provider job has ended. Absent: use `inputUrls` as is.
   */
  stage?: (file: { bytes: Buffer; contentType: 'image/jpeg' | 'image/png'; name: string }) => Promise<string>
}

/** Result images: bytes, or URLs that expire and must be copied into storage at once. */
export type ProviderImage = { bytes: Buffer; contentType: string } | { url: string }

export type ProviderOutcome =
  | { state: 'succeeded'; images: ProviderImage[] }
  | { state: 'running'; providerTaskId: string; progress?: number }
  | { state: 'failed'; retryable: boolean; reason: string }
  /**
   * The provider refused for an account limit (HTTP 429, `Throttling*`): nothing was accepted (on submit) or the
   * job is still there (on poll). The queue waits and asks again; it never uses up an attempt, counts a breaker
   * failure or fails the user's task for it.
   */
  | { state: 'throttled'; retryAfterMs?: number; reason: string }

export interface ProviderConfig {
  id: string
  provider: string
  api_name: string
  endpoint: string
  /** Decrypted headers (API keys); never logged or returned. */
  headers: Record<string, string>
  default_params: Record<string, unknown>
  timeoutMs?: number
}

/** What a poll must honour of the job that was submitted (see `ImageProvider.poll`). */
export interface PollContext {
  kind: GenerationKind
  aspectRatio: GenerationJob['aspectRatio']
}

export interface ImageProvider {
  readonly name: string
  supports(kind: GenerationKind): boolean
  /**
   * Why this provider cannot take this particular job at all, decided from the job alone without a call (e.g. a
   * try-on API that dresses one garment per run, given a top + bottom pair); null when it can. The queue skips
   * such a provider without counting a breaker failure: the job, not the provider, is the mismatch.
   */
  refuses?(job: GenerationJob): string | null
  submit(job: GenerationJob): Promise<ProviderOutcome>
  /**
   * `context` repeats what the job asked that the answer must honour (the aspect ratio): a provider whose API
   * cannot be told it reframes its results before handing them back. Optional, so a caller without the job (the
   * admin's model generation) still polls.
   */
  poll(providerTaskId: string, context?: PollContext): Promise<ProviderOutcome>
  /** Downloads a result URL (a URL result expires; the worker copies it into storage at once). */
  fetchImage?(url: string): Promise<{ bytes: Buffer; contentType: string }>
}

/** Builds a provider for one `api_configs` document. Unknown provider names return null. */
export type ProviderFactory = (config: ProviderConfig) => ImageProvider | null
