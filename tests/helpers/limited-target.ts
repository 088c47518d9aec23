// A loopback server with a known capacity: `workers` requests served at a time, `serviceMs` each,
// the rest queued (capacity = workers / serviceMs). For capacity tests with a known answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export async function startLimitedTarget(workers: number, serviceMs: number): Promise<{ url: string; capacityPerSec: number; close(): Promise<void> }> {
  let busy = 0
  const queue: Array<() => void> = []
  const next = () => {
    while (busy < workers && queue.length > 0) {
      busy++
      const job = queue.shift()!
      setTimeout(() => {
        job()
        busy--
        next()
      }, serviceMs)
    }
  }
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    queue.push(() => res.end('ok'))
    next()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    capacityPerSec: (workers * 1000) / serviceMs,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
