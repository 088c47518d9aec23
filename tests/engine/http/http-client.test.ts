import { afterEach, describe, expect, it, vi } from 'vitest'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { HttpClient, type OutgoingRequest, type ResponseParts } from '../../../src/engine/http/client.ts'
import { classifyTransportError } from '../../../src/metrics/outcome.ts'

// The engine's own HTTP/1.1 client against real loopback servers: framing (length, chunked, until
// close, HEAD, interim responses), connection reuse and limits, and every failure a target can cause.

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const GET: OutgoingRequest = { method: 'GET', path: '/', headers: [] }

/** A server that answers every request with `answer(requestHead, socket)`; counts its connections. */
async function rawServer(answer: (head: string, socket: net.Socket) => void): Promise<{ origin: string; sockets: () => number }> {
  let sockets = 0
  const open = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets++
    open.add(socket)
    socket.on('close', () => open.delete(socket))
    let buffered = ''
    socket.on('data', (d) => {
      buffered += d.toString('latin1')
      let end: number
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end)
        const length = /content-length: (\d+)/i.exec(head)
        const total = end + 4 + (length ? Number(length[1]) : 0)
        if (buffered.length < total) break
        answer(buffered.slice(0, total), socket)
        buffered = buffered.slice(total)
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of open) s.destroy()
    server.close(() => resolve())
  }))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets: () => sockets }
}

async function listen(server: Server, scheme = 'http'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function client(options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  const c = new HttpClient({ connections: 4, requestTimeoutMs: 5_000, ...options })
  cleanups.unshift(() => c.close())
  return c
}

async function failure(p: Promise<ResponseParts>): Promise<string> {
  try {
    await p
  } catch (e) {
    return classifyTransportError(e)
  }
  throw new Error('the request did not fail')
}

describe('the engine HTTP client', () => {
  it('reads bodies framed by length, by chunks and by the end of the connection, and keeps or drops them', async () => {
    const big = 'x'.repeat(200_000)
    const { origin } = await rawServer((head, socket) => {
      if (head.startsWith('GET /length')) socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${big.length}\r\n\r\n${big}`)
      else if (head.startsWith('GET /chunked')) socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n')
      else socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end')
    })
    const c = client()
    const length = await c.send(origin, { ...GET, path: '/length' }, true)
    expect(length.body!.toString()).toBe(big)
    const chunked = await c.send(origin, { ...GET, path: '/chunked' }, true)
    expect([chunked.status, chunked.body!.toString(), chunked.bytes]).toEqual([200, 'hello world', 11])
    const dropped = await c.send(origin, { ...GET, path: '/length' }, false)
    expect([dropped.body, dropped.bytes]).toEqual([undefined, big.length])
    const untilClose = await c.send(origin, { ...GET, path: '/close' }, true)
    expect(untilClose.body!.toString()).toBe('until the end')
  })

  it('reuses one connection for requests in turn, opens a new one after `connection: close` and before the server’s keep-alive timeout', async () => {
    const { origin, sockets } = await rawServer((head, socket) => {
      if (head.startsWith('GET /close')) socket.end('HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n')
      else if (head.startsWith('GET /short')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nkeep-alive: timeout=1\r\n\r\nok')
      else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nkeep-alive: timeout=5\r\n\r\nok')
    })
    const c = client()
    for (let i = 0; i < 5; i++) expect((await c.send(origin, GET, false)).status).toBe(200)
    expect(sockets()).toBe(1)
    expect((await c.send(origin, { ...GET, path: '/close' }, false)).status).toBe(204)
    expect((await c.send(origin, GET, false)).status).toBe(200)
    expect(sockets()).toBe(2)
    // The server keeps an idle connection one second: too short to risk a request on it.
    await c.send(origin, { ...GET, path: '/short' }, false)
    await c.send(origin, GET, false)
    expect(sockets()).toBe(3)
  })

  it('reads no body after HEAD, 204 and 304, and skips interim 1xx responses', async () => {
    const { origin, sockets } = await rawServer((head, socket) => {
      if (head.startsWith('HEAD')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n')
      else if (head.startsWith('GET /304')) socket.write('HTTP/1.1 304 Not Modified\r\ncontent-length: 1000\r\n\r\n')
      else socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\nset-cookie: a=1\r\nset-cookie: b=2\r\nX-Mixed: Case\r\n\r\nok')
    })
    const c = client()
    expect((await c.send(origin, { ...GET, method: 'HEAD' }, true)).bytes).toBe(0)
    expect((await c.send(origin, { ...GET, path: '/304' }, true)).status).toBe(304)
    const hinted = await c.send(origin, GET, true)
    expect([hinted.status, hinted.body!.toString(), hinted.headers['set-cookie'], hinted.headers['x-mixed']]).toEqual([200, 'ok', ['a=1', 'b=2'], 'Case'])
    expect(sockets()).toBe(1)
  })

  it('sends bodies with their length, the host, and a request’s own host instead', async () => {
    const seen: string[] = []
    const { origin } = await rawServer((head, socket) => {
      seen.push(head)
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')
    })
    const c = client()
    await c.send(origin, { method: 'POST', path: '/a?b=1', headers: ['content-type', 'application/json'], body: '{"é":1}' }, false)
    await c.send(origin, { method: 'PUT', path: '/b', headers: ['Host', 'lms.example'], body: Buffer.from([1, 2, 3]) }, false)
    // The server reads bytes as latin1: the UTF-8 body is 8 bytes.
    expect(seen[0]).toBe(Buffer.from(`POST /a?b=1 HTTP/1.1\r\ncontent-type: application/json\r\nhost: ${new URL(origin).host}\r\ncontent-length: 8\r\n\r\n{"é":1}`).toString('latin1'))
    expect(seen[1]).toMatch(/^PUT \/b HTTP\/1\.1\r\nHost: lms\.example\r\ncontent-length: 3\r\n\r\n/)
    expect(seen[1]!.match(/host/gi)).toHaveLength(1)
  })

  it('refuses a header or path that would break the request’s framing, and sends nothing', async () => {
    const { origin, sockets } = await rawServer(() => {})
    const c = client()
    await expect(c.send(origin, { ...GET, headers: ['x-a', 'b\r\nx-injected: 1'] }, false)).rejects.toThrow('a header or the path holds a character HTTP does not allow')
    await expect(c.send(origin, { ...GET, path: '/a b' }, false)).rejects.toThrow('does not allow')
    expect(sockets()).toBe(0)
  })

  it('holds requests beyond its connections in order and serves them all', async () => {
    let open = 0
    let most = 0
    const order: string[] = []
    const server = createHttpServer((req, res) => {
      order.push(req.url!)
      setTimeout(() => res.end('ok'), 20)
    })
    server.on('connection', (s) => {
      most = Math.max(most, ++open)
      s.on('close', () => open--)
    })
    const origin = await listen(server)
    const c = client({ connections: 2 })
    const sent = Array.from({ length: 10 }, (_, i) => c.send(origin, { ...GET, path: `/${i}` }, true))
    expect(c.stats()).toEqual({ queued: 10, running: 0, connected: 0 })
    const all = await Promise.all(sent)
    expect(all.map((r) => r.body!.toString())).toEqual(Array(10).fill('ok'))
    expect(most).toBe(2)
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`))
  })

  it('opens connections ahead of use without sending a request, then serves requests on them', async () => {
    let served = 0
    const { origin, sockets } = await rawServer((_head, socket) => {
      served++
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')
    })
    const c = client({ connections: 4 })
    await c.preconnect(origin, 6)
    expect(c.stats()).toEqual({ queued: 0, running: 0, connected: 4 })
    // The server accepts in its own turn of the event loop, after the client saw the connect.
    await vi.waitFor(() => expect(sockets()).toBe(4))
    expect(served).toBe(0)
    await Promise.all(Array.from({ length: 8 }, () => c.send(origin, GET, false)))
    expect(served).toBe(8)
    expect(sockets()).toBe(4)
    await c.preconnect(origin, 2)
    expect(sockets()).toBe(4)

    // A target that refuses: the promise settles, and the first request still meets the refusal.
    const closed = net.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    await c.preconnect(refused, 3)
    expect(await failure(c.send(refused, GET, false))).toBe('refused')
  })

  it('sorts failures: refused, timeout, reset mid-body, a bad response, and aborted on stop', async () => {
    const closed = net.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const refusedPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const c = client({ requestTimeoutMs: 300 })
    const refused = await Promise.all([1, 2, 3].map(() => failure(c.send(`http://127.0.0.1:${refusedPort}`, GET, false))))
    expect(refused).toEqual(['refused', 'refused', 'refused'])

    const { origin } = await rawServer((head, socket) => {
      if (head.startsWith('GET /hang')) return
      if (head.startsWith('GET /cut')) {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial')
        setTimeout(() => socket.destroy(), 10)
      } else socket.write('HTTP/1.1 2x0 What\r\n\r\n')
    })
    const started = performance.now()
    expect(await failure(c.send(origin, { ...GET, path: '/hang' }, false))).toBe('timeout')
    const waited = performance.now() - started
    expect(waited).toBeGreaterThanOrEqual(300)
    expect(waited).toBeLessThan(300 + 1_000)
    expect(await failure(c.send(origin, { ...GET, path: '/hang', timeoutMs: 50 }, false))).toBe('timeout')
    expect(await failure(c.send(origin, { ...GET, path: '/cut' }, false))).toBe('reset')
    expect(await failure(c.send(origin, { ...GET, path: '/bad' }, false))).toBe('other')

    const hanging = Array.from({ length: 6 }, () => failure(c.send(origin, { ...GET, path: '/hang' }, false)))
    await new Promise((resolve) => setTimeout(resolve, 50))
    c.destroyNow()
    expect(await Promise.all(hanging)).toEqual(Array(6).fill('aborted'))
  })

  it('speaks HTTPS with a trusted certificate, keeps connections, resumes the TLS session on a new one, and refuses an untrusted certificate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-tls-'))
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' })
    expect(made.status, made.stderr).toBe(0)
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8')
    const handshakes: boolean[] = []
    const server = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
      if (req.url === '/close') res.setHeader('connection', 'close')
      res.end('secure')
    })
    server.on('secureConnection', (socket) => handshakes.push(socket.isSessionReused()))
    const origin = await listen(server as unknown as Server, 'https')
    const trusted = client({ connections: 1, ca: cert })
    const answers = await Promise.all(Array.from({ length: 20 }, () => trusted.send(origin, GET, true)))
    expect(answers.map((r) => r.body!.toString())).toEqual(Array(20).fill('secure'))
    expect(handshakes).toHaveLength(1)
    await trusted.send(origin, { ...GET, path: '/close' }, false)
    await trusted.send(origin, GET, false)
    expect(handshakes).toEqual([false, true])
    await expect(client().send(origin, GET, false)).rejects.toThrow(/self-signed certificate/)
    const insecure = await client({ insecure: true }).send(origin, GET, true)
    expect(insecure.body!.toString()).toBe('secure')
  })
})
