// A minimal keep-alive HTTP server for engine benchmarks: answers every request with 2 bytes.
// Run as its own process (pin it with taskset to keep generator and server on separate cores).
// GET /__count answers the number of requests served so far (not counted itself), so benchmarks
// count what every tool achieved the same way, on the server.
import { createServer } from 'node:http'

let served = 0
const server = createServer((req, res) => {
  if (req.url === '/__count') {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end(String(served))
    return
  }
  served++
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
  res.end('ok')
})
server.keepAliveTimeout = 120_000
server.headersTimeout = 130_000
server.maxHeadersCount = 50
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number }
  process.stdout.write(`listening ${address.port}\n`)
})
