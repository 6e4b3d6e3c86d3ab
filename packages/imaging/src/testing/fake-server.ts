/** A tiny node:http server on 127.0.0.1 with a random port, recording requests and injecting faults. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeFault = 'throttle' | 'server-error' | 'slow' | 'malformed' | 'bad-request'

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export interface FakeServerBase {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string
  requests: RecordedRequest[]
  /** The next `times` matching requests answer with this fault instead of normally. */
  failNext(fault: FakeFault, times?: number, on?: 'submit' | 'poll' | 'any'): void
  close(): Promise<void>
}

export type Handler = (req: RecordedRequest, res: ServerResponse, fault: FakeFault | null) => Promise<void> | void

export async function startFakeServer(
  handler: Handler,
  classify: (req: RecordedRequest) => 'submit' | 'poll' | 'other',
  slowMs: number,
): Promise<FakeServerBase & { send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void }> {
  const requests: RecordedRequest[] = []
  const faults: Array<{ fault: FakeFault; on: 'submit' | 'poll' | 'any' }> = []
  const timers = new Set<NodeJS.Timeout>()

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) }
      requests.push(rec)
      const kind = classify(rec)
      const i = faults.findIndex((f) => f.on === 'any' || f.on === kind)
      const fault = i >= 0 && kind !== 'other' ? faults.splice(i, 1)[0]!.fault : null
      const run = () => Promise.resolve(handler(rec, res, fault === 'slow' ? null : fault)).catch((err: Error) => send(res, 500, { code: 'FakeServerError', message: err.message }))
      if (fault === 'slow') {
        const t = setTimeout(() => (timers.delete(t), void run()), slowMs)
        timers.add(t)
      } else void run()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return
    if (Buffer.isBuffer(body)) {
      res.writeHead(status, headers)
      res.end(body)
    } else {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    send,
    failNext(fault, times = 1, on = 'any') {
      for (let i = 0; i < times; i++) faults.push({ fault, on })
    },
    close() {
      for (const t of timers) clearTimeout(t)
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
