/**
 * `pnpm --filter @aiphoto/bench samples`: every photography mode run on the photo-like garment inputs of
 * docs/samples/inputs/ through the real product path — the gateway (`photography/generate`, `photography/upscale`),
 * the database emulator, storage, the queue worker (`queue/processTask`) and the image check — with the local
 * provider the local cloud uses (`createProviderFactory` → the sharp compositor, a stand-in, not an AI model).
 *
 * Writes labelled contact sheets (compact JPEGs) to docs/samples/ and every full-size output to
 * artifacts/samples/ (not committed) for a closer look. Inputs are regenerated first only with `--inputs`
 * (`pnpm --filter @aiphoto/imaging samples` writes them).
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp, { type OverlayOptions } from 'sharp'
import { createProviderFactory, drawModelFigure, renderSceneThumbnail } from '@aiphoto/imaging'
import { contextFor, createLocalRuntime } from '@aiphoto/local-runtime'
import { createAppGateway, seedDatabase } from '@aiphoto/server'
import { jsonLogger } from '@aiphoto/runtime'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const inputsDir = path.join(root, 'docs/samples/inputs')
const docsDir = path.join(root, 'docs/samples')
const fullDir = path.join(root, 'artifacts/samples')

/** The inputs used: a flat-lay and a hanger photo for every mode, plus the shirt + jeans pair. */
const INPUTS = {
  tshirt: { file: 'tshirt-wood.jpg', label: 'T-shirt, flat-lay on oak' },
  dress: { file: 'dress-hanger.jpg', label: 'dress on a hanger' },
  shirt: { file: 'shirt-wood.jpg', label: 'striped shirt, flat-lay' },
  jeans: { file: 'jeans-linen.jpg', label: 'jeans on linen' },
} as const
type InputKey = keyof typeof INPUTS

interface Sample {
  /** File name stem of the full-size output. */
  id: string
  label: string
  garment: InputKey
  input: Record<string, unknown>
  bottom?: InputKey
  /** Upscale the output of the sample with this id instead of generating. */
  upscaleOf?: string
}

interface Sheet {
  file: string
  title: string
  /** The inputs shown in the left column. */
  inputs: InputKey[]
  samples: Sample[]
}

const SHEETS: Sheet[] = [
  {
    file: 'on-model-tshirt.jpg',
    title: 'on_model (模特图) - T-shirt flat-lay on library models',
    inputs: ['tshirt'],
    samples: [
      { id: 'on-model-tshirt-female', label: 'female model, studio', garment: 'tshirt', input: { mode: 'on_model', model_id: 'model-f-young-slim', garment_type: 'top' } },
      { id: 'on-model-tshirt-male', label: 'male model, studio', garment: 'tshirt', input: { mode: 'on_model', model_id: 'model-m-young', garment_type: 'top' } },
      { id: 'on-model-tshirt-female-garden', label: 'female + garden scene', garment: 'tshirt', input: { mode: 'on_model', model_id: 'model-f-young-walk', garment_type: 'top', scene_id: 'outdoor-garden' } },
      { id: 'on-model-tshirt-male-street', label: 'male + street scene', garment: 'tshirt', input: { mode: 'on_model', model_id: 'model-m-adult-walk', garment_type: 'top', scene_id: 'street-city' } },
    ],
  },
  {
    file: 'on-model-dress-outfit.jpg',
    title: 'on_model (模特图) - dress on a hanger; shirt + jeans pair',
    inputs: ['dress', 'shirt', 'jeans'],
    samples: [
      { id: 'on-model-dress-female', label: 'dress, female, studio', garment: 'dress', input: { mode: 'on_model', model_id: 'model-f-young-slim', garment_type: 'dress' } },
      { id: 'on-model-dress-female-cafe', label: 'dress, female + cafe', garment: 'dress', input: { mode: 'on_model', model_id: 'model-f-adult-curvy', garment_type: 'dress', scene_id: 'indoor-cafe' } },
      { id: 'on-model-shirt-jeans-male', label: 'shirt + jeans, male', garment: 'shirt', bottom: 'jeans', input: { mode: 'on_model', model_id: 'model-m-young', garment_type: 'top' } },
      { id: 'on-model-shirt-jeans-male-loft', label: 'shirt + jeans, male + loft', garment: 'shirt', bottom: 'jeans', input: { mode: 'on_model', model_id: 'model-m-adult-walk', garment_type: 'top', scene_id: 'indoor-loft' } },
    ],
  },
  {
    file: 'scene.jpg',
    title: 'scene (场景图) - the garment itself in two scenes',
    inputs: ['tshirt', 'dress'],
    samples: [
      { id: 'scene-tshirt-cafe', label: 'T-shirt, cafe', garment: 'tshirt', input: { mode: 'scene', scene_id: 'indoor-cafe', options: { aspect_ratio: '3:4' } } },
      { id: 'scene-tshirt-beach', label: 'T-shirt, beach', garment: 'tshirt', input: { mode: 'scene', scene_id: 'outdoor-beach', options: { aspect_ratio: '3:4' } } },
      { id: 'scene-dress-pastel', label: 'dress, pastel podium', garment: 'dress', input: { mode: 'scene', scene_id: 'studio-pastel', options: { aspect_ratio: '3:4' } } },
      { id: 'scene-dress-garden', label: 'dress, garden', garment: 'dress', input: { mode: 'scene', scene_id: 'outdoor-garden', options: { aspect_ratio: '3:4' } } },
    ],
  },
  {
    file: 'packshot.jpg',
    title: 'packshot (白底图) - 800x800 and 750x1000, with and without ground shadow',
    inputs: ['tshirt', 'dress', 'jeans'],
    samples: [
      { id: 'packshot-tshirt-1x1-shadow', label: 'T-shirt 800x800, shadow', garment: 'tshirt', input: { mode: 'packshot', options: { aspect_ratio: '1:1', shadow: true } } },
      { id: 'packshot-tshirt-3x4-plain', label: 'T-shirt 750x1000', garment: 'tshirt', input: { mode: 'packshot', options: { aspect_ratio: '3:4', shadow: false } } },
      { id: 'packshot-dress-3x4-shadow', label: 'dress 750x1000, shadow', garment: 'dress', input: { mode: 'packshot', options: { aspect_ratio: '3:4', shadow: true } } },
      { id: 'packshot-dress-1x1-plain', label: 'dress 800x800', garment: 'dress', input: { mode: 'packshot', options: { aspect_ratio: '1:1', shadow: false } } },
      { id: 'packshot-jeans-1x1-shadow', label: 'jeans 800x800, shadow', garment: 'jeans', input: { mode: 'packshot', options: { aspect_ratio: '1:1', shadow: true } } },
      { id: 'packshot-jeans-3x4-plain', label: 'jeans 750x1000', garment: 'jeans', input: { mode: 'packshot', options: { aspect_ratio: '3:4', shadow: false } } },
    ],
  },
]

/** 高清放大 of one result: the source and the 2× output side by side, plus the same face/print crop of each. */
const UPSCALE: Sample = { id: 'upscale-on-model-tshirt-female-2x', label: 'upscale 2x', garment: 'tshirt', input: {}, upscaleOf: 'on-model-tshirt-female' }

async function gatewayInProcess() {
  // As the local cloud does (apps/local-cloud): the local runtime, the provider factory with the local compositor,
  // the seeded catalog and model library, image verdicts pushed back to the gateway.
  const rt = createLocalRuntime({ dataDir: ':memory:', logger: jsonLogger(() => {}), providers: createProviderFactory(), config: { signupBonus: 1_000_000 } })
  await seedDatabase(rt, { renderSceneThumbnail: (p, s) => renderSceneThumbnail(p, s), renderModelFigure: (a, s) => drawModelFigure(a, s) })
  const main = createAppGateway(rt)
  rt.mediaCheck.connect((event) => main(event, {}))
  const call = async (ctx: unknown, event: Record<string, unknown>) => {
    const res = (await main(event, ctx)) as { success: boolean; data?: unknown }
    if (!res.success) throw new Error(`${String(event.$url)} failed: ${JSON.stringify(res)}`)
    return res.data as Record<string, unknown>
  }
  const system = contextFor({ kind: 'system', source: 'internal' })
  let users = 0
  /** A user per task: generate is rate-limited per user. */
  const newUser = async () => {
    const openid = `samples-${users++}`
    const ctx = contextFor({ kind: 'user', openid, source: 'test' })
    await call(ctx, { $url: 'user/register' })
    const upload = async (bytes: Buffer, name: string) => {
      const { fileId } = await rt.storage.upload({ cloudPath: `users/${openid}/uploads/${name}`, content: bytes, contentType: 'image/jpeg' })
      await call(ctx, { $url: 'storage/registerAsset', hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, file_id: fileId })
      return fileId
    }
    return { openid, ctx, upload }
  }
  /** Works the queue until the task is done; answers its result images. */
  const finish = async (taskId: string): Promise<Buffer[]> => {
    for (let i = 0; i < 30; i++) {
      await call(system, { $url: 'queue/processTask', max_tasks: 1, budget_ms: 55_000 })
      // The image-check verdicts the pass asked for arrive (as the platform pushes them, later).
      await rt.mediaCheck.flush()
      const t = (await rt.db.collection('task_queue').doc(taskId).get()).data[0] as { status: string; result: { images: string[] } | null; error?: unknown }
      if (t.status === 'completed') return Promise.all((t.result?.images ?? []).map((id) => rt.storage.download(id)))
      if (t.status === 'failed') throw new Error(`task ${taskId} failed: ${JSON.stringify(t.error ?? t)}`)
    }
    const t = (await rt.db.collection('task_queue').doc(taskId).get()).data[0]
    throw new Error(`task ${taskId} did not finish: ${JSON.stringify(t)}`)
  }
  return { call, newUser, finish }
}

const W = 1800
const PAD = 16
const LABEL_H = 30
const TITLE_H = 44

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function text(width: number, height: number, s: string, size: number, weight = 'normal'): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="0" y="${Math.round(height * 0.72)}" font-family="DejaVu Sans, Liberation Sans, WenQuanYi Micro Hei, sans-serif" font-size="${size}" font-weight="${weight}" fill="#222">${esc(s)}</text></svg>`,
  )
}

/** A row of images scaled to one height, each with its label under it; the first `inputs` cells are marked as inputs. */
async function contactSheet(title: string, cells: Array<{ bytes: Buffer; label: string }>, rowHeight: number): Promise<Buffer> {
  const metas = await Promise.all(cells.map((c) => sharp(c.bytes).metadata()))
  // Rows: as many cells as fit in W at rowHeight.
  const rows: Array<Array<{ cell: (typeof cells)[number]; w: number }>> = [[]]
  let x = PAD
  cells.forEach((cell, i) => {
    const m = metas[i]!
    const w = Math.round((m.width! / m.height!) * rowHeight)
    if (x + w + PAD > W && rows[rows.length - 1]!.length) (rows.push([]), (x = PAD))
    rows[rows.length - 1]!.push({ cell, w })
    x += w + PAD
  })
  const H = TITLE_H + rows.length * (rowHeight + LABEL_H + PAD) + PAD
  const overlays: OverlayOptions[] = [{ input: text(W - 2 * PAD, TITLE_H, title, 24, 'bold'), left: PAD, top: 0 }]
  let y = TITLE_H
  for (const row of rows) {
    let cx = PAD
    for (const { cell, w } of row) {
      const img = await sharp(cell.bytes).resize(w, rowHeight, { kernel: 'lanczos3' }).toBuffer()
      overlays.push({ input: img, left: cx, top: y })
      overlays.push({ input: text(w + PAD, LABEL_H, cell.label, 17), left: cx, top: y + rowHeight + 2 })
      cx += w + PAD
    }
    y += rowHeight + LABEL_H + PAD
  }
  // A light grey canvas, so the white of a packshot shows where it ends.
  return sharp({ create: { width: W, height: H, channels: 3, background: '#e9e9e9' } })
    .composite(overlays)
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer()
}

async function main(): Promise<void> {
  await mkdir(fullDir, { recursive: true })
  const inputBytes = Object.fromEntries(await Promise.all(Object.entries(INPUTS).map(async ([k, v]) => [k, await readFile(path.join(inputsDir, v.file))] as const))) as Record<InputKey, Buffer>
  const gw = await gatewayInProcess()
  const outputs = new Map<string, { bytes: Buffer; workId: string; ctx: unknown }>()

  const run = async (s: Sample): Promise<Buffer> => {
    const user = await gw.newUser()
    let res: Record<string, unknown>
    if (s.upscaleOf) {
      const src = outputs.get(s.upscaleOf)!
      res = await gw.call(src.ctx, { $url: 'photography/upscale', work_id: src.workId, scale: 2 })
    } else {
      const garment = await user.upload(inputBytes[s.garment], INPUTS[s.garment].file)
      const bottom = s.bottom ? await user.upload(inputBytes[s.bottom], INPUTS[s.bottom].file) : undefined
      res = await gw.call(user.ctx, { $url: 'photography/generate', garment_images: [garment], ...(bottom ? { bottom_garment_image: bottom } : {}), ...s.input })
    }
    const [bytes] = await gw.finish(String(res.task_id))
    if (!bytes) throw new Error(`${s.id}: no image`)
    outputs.set(s.id, { bytes, workId: String(res.work_id), ctx: user.ctx })
    const meta = await sharp(bytes).metadata()
    await writeFile(path.join(fullDir, `${s.id}.jpg`), bytes)
    process.stdout.write(`${s.id}: ${meta.width}×${meta.height}, ${(bytes.length / 1024).toFixed(0)} KB\n`)
    return bytes
  }

  for (const sheet of SHEETS) {
    const cells: Array<{ bytes: Buffer; label: string }> = sheet.inputs.map((k) => ({ bytes: inputBytes[k], label: `input: ${INPUTS[k].label}` }))
    for (const s of sheet.samples) {
      const bytes = await run(s)
      const m = await sharp(bytes).metadata()
      cells.push({ bytes, label: sheet.file === 'packshot.jpg' ? s.label : `${s.label} (${m.width}x${m.height})` })
    }
    const out = await contactSheet(sheet.title, cells, sheet.file === 'packshot.jpg' ? 380 : 440)
    await writeFile(path.join(docsDir, sheet.file), out)
    process.stdout.write(`→ docs/samples/${sheet.file} ${(out.length / 1024).toFixed(0)} KB\n`)
  }

  // Upscale: the whole source and output, and the same crop (the chest print) of both at the output's scale.
  const up = await run(UPSCALE)
  const src = outputs.get(UPSCALE.upscaleOf!)!.bytes
  const sm = await sharp(src).metadata()
  const um = await sharp(up).metadata()
  const k = um.width! / sm.width!
  const crop = { left: Math.round(sm.width! * 0.3), top: Math.round(sm.height! * 0.2), width: Math.round(sm.width! * 0.4), height: Math.round(sm.height! * 0.3) }
  const srcCrop = await sharp(src).extract(crop).resize(Math.round(crop.width * k), Math.round(crop.height * k), { kernel: 'nearest' }).jpeg({ quality: 92 }).toBuffer()
  const upCrop = await sharp(up).extract({ left: Math.round(crop.left * k), top: Math.round(crop.top * k), width: Math.round(crop.width * k), height: Math.round(crop.height * k) }).jpeg({ quality: 92 }).toBuffer()
  const sheet = await contactSheet(
    `upscale (高清放大) 2x of an on_model result: ${sm.width}x${sm.height} -> ${um.width}x${um.height} (Lanczos3 + unsharp mask, not AI super-resolution)`,
    [
      { bytes: src, label: `source ${sm.width}x${sm.height}` },
      { bytes: up, label: `2x ${um.width}x${um.height}` },
      { bytes: srcCrop, label: 'crop of the source, pixels enlarged' },
      { bytes: upCrop, label: 'same crop of the 2x output' },
    ],
    520,
  )
  await writeFile(path.join(docsDir, 'upscale.jpg'), sheet)
  process.stdout.write(`→ docs/samples/upscale.jpg ${(sheet.length / 1024).toFixed(0)} KB\n`)
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
