// A loopback server that answers at once but freezes for `stallMs` once every `periodMs`: a request
// arriving during a freeze is answered when it ends (as a stop-the-world GC pause would do).
// Coordinated-omission benchmark: bench/coordinated-omission.ts.
import { createServer } from 'node:http'

const stallMs = Number(process.argv[2] ?? 1000)
const periodMs = Number(process.argv[3] ?? 5000)
const started = performance.now()
// How long each request was held, receipt to reply (ms): the truth a perfect client would measure,
// minus the round trip. `GET /__held` hands them out and starts a new list.
let held: number[] = []
const server = createServer((req, res) => {
  if (req.url === '/__held') {
    res.end(JSON.stringify(held))
    held = []
    return
  }
  const received = performance.now()
  const reply = () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
    res.end('ok')
    held.push(performance.now() - received)
  }
  // The freeze is the last stallMs of every period, so the run starts with a quiet stretch.
  const phase = (received - started) % periodMs
  const freezeStarts = periodMs - stallMs
  if (phase >= freezeStarts) setTimeout(reply, periodMs - phase)
  else reply()
})
server.keepAliveTimeout = 120_000
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`))
