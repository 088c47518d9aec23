// What pacing alone costs: a bare client that sends `rate` requests per second at Poisson instants
// over `connections` keep-alive sockets, with lmsload's timer strategy (a 1 ms timer starts the
// arrivals due, and every response starts what has come due since) and nothing else: no learners,
// no journeys, no recording, no HTTP parser (the trivial server's responses have one fixed size,
// learned from the first). bench:generators runs it beside autocannon -R, whose -R is a per-second
// quota sent back to back (bursts), not pacing: the difference between the two is the price of
// sending requests one at a time at their instants, paid in wake-ups on both sides of the socket.
// Usage: node bench/paced-floor.ts <url> <seconds> <connections> <rate>
import net from 'node:net'

const [url, seconds = '10', connections = '64', rate = '8000'] = process.argv.slice(2)
const { hostname, port } = new URL(url!)
const request = `GET / HTTP/1.1\r\nhost: ${hostname}:${port}\r\n\r\n`
const meanGapMs = 1000 / Number(rate)
const idle: net.Socket[] = []
let waiting = 0
let responseBytes = 0
let nextAtMs = 0
let seed = 0x2545f491
// A seeded xorshift: the same instants on every run.
const random = () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 4294967296
}
let start = 0

function releaseDue(): void {
  const elapsed = performance.now() - start
  while (nextAtMs <= elapsed) {
    nextAtMs += -Math.log(1 - random()) * meanGapMs
    const socket = idle.pop()
    if (socket) socket.write(request, 'latin1')
    else waiting++
  }
}

function connect(): Promise<void> {
  return new Promise((resolve) => {
    let got = 0
    const socket: net.Socket = net.connect({
      host: hostname, port: Number(port), noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(32 * 1024),
        callback: (n: number, buf: Buffer) => {
          if (responseBytes === 0) {
            const head = buf.toString('latin1', 0, n)
            const end = head.indexOf('\r\n\r\n')
            responseBytes = end + 4 + Number(/content-length: *(\d+)/i.exec(head)![1])
          }
          got += n
          while (got >= responseBytes) {
            got -= responseBytes
            if (waiting > 0) {
              waiting--
              socket.write(request, 'latin1')
            } else {
              idle.push(socket)
            }
          }
          releaseDue()
          return true
        },
      },
    })
    socket.once('connect', () => {
      idle.push(socket)
      resolve()
    })
  })
}

await Promise.all(Array.from({ length: Number(connections) }, connect))
start = performance.now()
const timer = setInterval(releaseDue, 1)
setTimeout(() => {
  clearInterval(timer)
  process.exit(0)
}, Number(seconds) * 1000)
