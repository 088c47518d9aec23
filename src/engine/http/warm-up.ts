import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpClient } from './client.ts'

/**
 * Warms this thread's request path before the run starts: V8 compiles the hot functions of the
 * client, the HTTP parser and the learner after their first few hundred calls. Done on the first
 * arrivals instead, that cost landed in the run's first second: 120 ms of start lag at 10,000
 * arrivals/s, charged to those requests' latency. The requests go to a throwaway server inside
 * this thread on loopback, never to the target.
 */
export async function warmUpRequestPath(requests = 600, connections = 8): Promise<void> {
  const server = createServer((_req, res) => {
    res.setHeader('server-timing', 'app;dur=0.1')
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = new HttpClient({ connections, requestTimeoutMs: 5_000 })
  try {
    const headers: string[] = []
    for (let sent = 0; sent < requests; sent += connections) {
      await Promise.all(Array.from({ length: connections }, (_, i) => client.send(origin, { path: '/', method: 'GET', headers }, i % 2 === 0)))
    }
  } finally {
    await client.close()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
