// What undici alone costs per request: a closed loop of `connections` concurrent requests through
// one Pool with a do-nothing dispatch handler (no learners, no journeys, no recording). The floor
// under any generator built on undici; bench:generators runs it beside the tools.
// Usage: node bench/undici-floor.ts <url> <seconds> <connections>
import { Pool, type Dispatcher } from 'undici'

const [url, seconds = '10', connections = '64'] = process.argv.slice(2)
const pool = new Pool(url!, { connections: Number(connections), pipelining: 1, keepAliveTimeout: 30_000 })
const endAt = Date.now() + Number(seconds) * 1000
const request: Dispatcher.DispatchOptions = { path: '/', method: 'GET', headers: [] }

function once(): Promise<void> {
  return new Promise((resolve, reject) => {
    pool.dispatch(request, {
      onRequestStart() {},
      onResponseStart() {},
      onResponseData() {},
      onResponseEnd: () => resolve(),
      onResponseError: (_controller, error) => reject(error),
    })
  })
}

await Promise.all(Array.from({ length: Number(connections) }, async () => {
  while (Date.now() < endAt) await once()
}))
await pool.close()
