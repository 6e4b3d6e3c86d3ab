/**
 * Writes the photo-like garment inputs to docs/samples/inputs/ (the e2e uploads and the inputs of the pipeline
 * samples) and two sample outputs of the local provider to docs/samples/ (one photography, one try-on):
 * `pnpm --filter @aiphoto/imaging samples`.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { GenerationJob } from '@aiphoto/runtime'
import { createFixtureGarment, createFixturePerson, createLocalProvider, createPhotoGarment, PHOTO_GARMENTS } from '../src/index'

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/samples')

async function writeInputs(): Promise<void> {
  const dir = path.join(out, 'inputs')
  await mkdir(dir, { recursive: true })
  for (const kind of PHOTO_GARMENTS) {
    const bytes = await createPhotoGarment(kind)
    await writeFile(path.join(dir, `${kind}.jpg`), bytes)
    process.stdout.write(`${path.join(dir, `${kind}.jpg`)} ${(bytes.length / 1024).toFixed(0)} KB\n`)
  }
}

async function main(): Promise<void> {
  await writeInputs()
  const provider = createLocalProvider()
  const base: Omit<GenerationJob, 'kind' | 'inputs' | 'scene'> = {
    inputUrls: { garments: [] },
    prompt: 'sample',
    negativePrompt: '',
    count: 1,
    aspectRatio: '3:4',
    options: {},
  }
  const samples: Array<[string, GenerationJob]> = [
    [
      'photography-garden.jpg',
      {
        ...base,
        kind: 'photography',
        inputs: { garments: [await createFixtureGarment({ color: '#2f6fb0', format: 'jpeg' })] },
        scene: { id: 'garden', name: '户外花园', category: 'outdoor', parameters: { lighting: 'natural', background: 'garden' } },
      },
    ],
    [
      'tryon-street.jpg',
      {
        ...base,
        kind: 'fitting',
        inputs: { garments: [await createFixtureGarment({ color: '#c0392b', format: 'jpeg' })], person: await createFixturePerson() },
        scene: { id: 'street', name: '城市街拍', category: 'outdoor', parameters: { light: 'warm', backdrop: 'street' } },
      },
    ],
  ]
  await mkdir(out, { recursive: true })
  for (const [file, job] of samples) {
    const outcome = await provider.submit(job)
    if (outcome.state !== 'succeeded') throw new Error(`${file}: ${JSON.stringify(outcome)}`)
    const image = outcome.images[0]!
    if (!('bytes' in image)) throw new Error(`${file}: expected bytes`)
    await writeFile(path.join(out, file), image.bytes)
    process.stdout.write(`${path.join(out, file)} ${(image.bytes.length / 1024).toFixed(0)} KB\n`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
