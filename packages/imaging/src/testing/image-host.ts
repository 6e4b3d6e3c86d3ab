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
