// A minimal keep-alive HTTP server for engine benchmarks: answers every request with 2 bytes.
// Run as its own process (pin it with taskset to keep generator and server on separate cores).
// GET /__count answers the number of requests served so far (not counted itself), so benchmarks
// count what every tool achieved the same way, on the server.
// `--tls <dir>` serves HTTPS with <dir>/key.pem and <dir>/cert.pem instead.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { readFileSync } from 'node:fs'
import path from 'node:path'

let served = 0
const handler = (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/__count') {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end(String(served))
    return
  }
  served++
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
  res.end('ok')
}
const args = process.argv.slice(2)
const tls = args.indexOf('--tls')
const tlsDir = tls >= 0 ? args.splice(tls, 2)[1] : undefined
const server = tlsDir
  ? createTlsServer({ key: readFileSync(path.join(tlsDir, 'key.pem')), cert: readFileSync(path.join(tlsDir, 'cert.pem')) }, handler)
  : createServer(handler)
server.keepAliveTimeout = 120_000
server.headersTimeout = 130_000
server.maxHeadersCount = 50
server.listen(Number(args[0] ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number }
  process.stdout.write(`listening ${address.port}\n`)
})
