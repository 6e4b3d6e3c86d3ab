/**
 * A provider tests drive by hand (imported by *.test.ts only): each submit/poll answer comes from a script,
 * and a gate can hold a call open to simulate a slow provider or a worker killed mid-call.
 */
import type { GenerationJob, ImageProvider, ProviderOutcome } from '@aiphoto/runtime'

export interface Script {
  submits: GenerationJob[]
  polls: number
  /** Answer of the next submit (default: succeed with `count` images of `image`). */
  onSubmit: (job: GenerationJob) => ProviderOutcome | Promise<ProviderOutcome>
  onPoll: (id: string) => ProviderOutcome | Promise<ProviderOutcome>
  image: Buffer
}

export function createScript(image: Buffer): Script {
  const script: Script = {
    submits: [],
    polls: 0,
    image,
    onSubmit: (job) => ({ state: 'succeeded', images: Array.from({ length: job.count }, () => ({ bytes: script.image, contentType: 'image/jpeg' })) }),
    onPoll: () => ({ state: 'failed', retryable: true, reason: 'unexpected poll' }),
  }
  return script
}

export function scriptedProvider(script: Script): ImageProvider {
  return {
    name: 'scripted',
    // Cut-outs and packshots fall to the built-in local compositor, so scripts see only the generation steps.
    supports: (kind) => kind !== 'cutout' && kind !== 'packshot',
    async submit(job) {
      script.submits.push(job)
      return script.onSubmit(job)
    },
    async poll(id) {
      script.polls++
      return script.onPoll(id)
    },
  }
}

/** A promise with its resolver, to hold a provider call open. */
export function gate<T = void>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void
  const promise = new Promise<T>((resolve) => (open = resolve))
  return { promise, open }
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
