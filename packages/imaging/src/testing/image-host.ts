/** Serves byte buffers over HTTP on 127.0.0.1 (a stand-in for signed storage URLs in adapter tests). */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ImageHost {
  /** Publishes bytes and returns their URL. */
  put(name: string, bytes: Buffer): string
  close(): Promise<void>
}

export async function startImageHost(): Promise<ImageHost> {
  const files = new Map<string, Buffer>()
  const server = createServer((req, res) => {
    const bytes = files.get(req.url ?? '')
    if (!bytes) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let n = 0
  return {
    put(name, bytes) {
      const path = `/${++n}-${encodeURIComponent(name)}`
      files.set(path, bytes)
      return base + path
    },
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Synthetic test images other packages cannot make without sharp: noise (incompressible, for byte limits) or flat. */
export async function renderTestImage(opts: { width: number; height: number; format: 'png' | 'jpeg' | 'gif' | 'webp'; noise?: boolean }): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  const img = sharp({
    create: { width: opts.width, height: opts.height, channels: 3, background: '#9a8f80', ...(opts.noise ? { noise: { type: 'gaussian' as const, mean: 128, sigma: 60 } } : {}) },
  })
  return img.toFormat(opts.format).toBuffer()
}
