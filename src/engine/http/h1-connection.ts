import net from 'node:net'
import tls from 'node:tls'
import { headersOf, ResponseParser, type ResponseSink } from './h1-response.ts'
import type { ResponseHeaders } from './types.ts'

/** A transport failure with the code `classifyTransportError` (metrics/outcome.ts) sorts by. */
export function transportError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * One request on its way: the bytes to send, and the response as it is collected. A body the
 * journey does not keep is counted and dropped as it arrives.
 */
export class Pending {
  status = 0
  /** The header lines as text: the header object is built from them on first use. */
  headerText = ''
  serverTiming: string | undefined
  setCookie: string | string[] | undefined
  /** Body bytes received. */
  bytes = 0
  /** The body when kept (undefined when dropped or empty). */
  body: Buffer | undefined
  /** performance.now() after which the request has timed out (set when it is written). */
  deadline = Infinity
  private chunks: Buffer[] | undefined
  private headerObject: ResponseHeaders | undefined
  readonly head: string
  readonly payload: string | Uint8Array | undefined
  readonly keep: boolean
  readonly noBody: boolean
  readonly timeoutMs: number
  private readonly resolve: (p: Pending) => void
  private readonly reject: (e: Error) => void

  constructor(head: string, payload: string | Uint8Array | undefined, keep: boolean, noBody: boolean, timeoutMs: number, resolve: (p: Pending) => void, reject: (e: Error) => void) {
    this.head = head
    this.payload = payload
    this.keep = keep
    this.noBody = noBody
    this.timeoutMs = timeoutMs
    this.resolve = resolve
    this.reject = reject
  }

  get headers(): ResponseHeaders {
    return (this.headerObject ??= headersOf(this.headerText))
  }

  data(chunk: Buffer, start: number, length: number): void {
    this.bytes += length
    if (!this.keep) return
    // The receive buffer is reused for the next read: what is kept is copied out of it.
    const part = Buffer.copyBytesFrom(chunk, start, length)
    if (this.body === undefined) this.body = part
    else (this.chunks ??= [this.body]).push(part)
  }

  finish(): void {
    if (this.chunks) this.body = Buffer.concat(this.chunks, this.bytes)
    this.resolve(this)
  }

  fail(error: Error): void {
    this.reject(error)
  }
}

/** What a connection tells its pool. */
export interface ConnectionOwner {
  onConnected(c: H1Connection): void
  /** The response is complete; `reusable` is false when the connection is closing. */
  onReleased(c: H1Connection, reusable: boolean): void
  /** The socket is gone (`error` set when it never connected). */
  onClosed(c: H1Connection, connectError: Error | undefined): void
}

export interface Endpoint {
  readonly tls: boolean
  readonly host: string
  readonly port: number
  readonly servername: string | undefined
  readonly ca: string | undefined
  readonly rejectUnauthorized: boolean
  /** The last TLS session a connection received: new connections resume it (no full handshake). */
  session: Buffer | undefined
}

// One receive buffer per connection, reused for every read (net's `onread`): no Buffer per chunk
// and no stream machinery between the socket and the parser.
const RECEIVE_BUFFER_BYTES = 32 * 1024
/** A connection whose server announced `Keep-Alive: timeout=N` is not reused in its last second. */
const KEEP_ALIVE_MARGIN_MS = 1_000

/** One keep-alive HTTP/1.1 connection (plain or TLS), one request at a time. */
export class H1Connection implements ResponseSink {
  current: Pending | undefined
  isConnected = false
  /** performance.now() until which the server keeps this connection open when idle. */
  reusableUntil = Infinity
  /** performance.now() by which the connection must be established. */
  connectDeadline: number
  private readonly socket: net.Socket
  private readonly parser = new ResponseParser(this)
  private readonly owner: ConnectionOwner
  private lastKeepAlive: string | undefined
  private keepAliveMs = Infinity
  private gone = false

  constructor(endpoint: Endpoint, owner: ConnectionOwner, connectTimeoutMs: number) {
    this.owner = owner
    this.connectDeadline = performance.now() + connectTimeoutMs
    const onread = { buffer: Buffer.allocUnsafe(RECEIVE_BUFFER_BYTES), callback: (n: number, buf: Buffer) => this.read(n, buf) }
    this.socket = endpoint.tls
      ? tls.connect({
        host: endpoint.host, port: endpoint.port, servername: endpoint.servername, ALPNProtocols: ['http/1.1'], onread, noDelay: true,
        ca: endpoint.ca, rejectUnauthorized: endpoint.rejectUnauthorized, session: endpoint.session,
      } as tls.ConnectionOptions)
      : net.connect({ host: endpoint.host, port: endpoint.port, onread, noDelay: true })
    if (endpoint.tls) this.socket.on('session', (session: Buffer) => { endpoint.session = session })
    this.socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      this.isConnected = true
      this.owner.onConnected(this)
    })
    this.socket.on('error', (error) => this.end(error))
    this.socket.on('close', () => this.end(undefined))
  }

  /** Writes one request; the connection must be connected and idle. */
  dispatch(p: Pending): void {
    this.current = p
    this.parser.noBody = p.noBody
    p.deadline = performance.now() + p.timeoutMs
    if (p.payload === undefined) {
      this.socket.write(p.head, 'latin1')
    } else {
      this.socket.cork()
      this.socket.write(p.head, 'latin1')
      this.socket.write(p.payload)
      this.socket.uncork()
    }
  }

  /** Ends the connection; a request on it fails with `error`. */
  destroy(error?: Error): void {
    if (error && this.current) {
      const p = this.current
      this.current = undefined
      p.fail(error)
    }
    this.socket.destroy()
  }

  private read(n: number, buf: Buffer): boolean {
    if (this.current === undefined) {
      // Bytes nobody asked for (a server talking out of turn): the connection cannot be trusted.
      this.destroy()
      return false
    }
    // p.deadline limits the wait for the next bytes: a body that keeps arriving is not a timeout.
    this.current.deadline = performance.now() + this.current.timeoutMs
    const error = this.parser.execute(buf, 0, n)
    if (error) this.destroy(error)
    return true
  }

  responseHead(): void {
    const p = this.current!
    const parser = this.parser
    p.status = parser.status
    p.headerText = parser.headerText
    p.serverTiming = parser.serverTiming
    p.setCookie = parser.setCookie
    const hint = parser.keepAlive
    // Servers repeat the same hint on every response (the parser hands out the same string): parsed once.
    if (hint !== this.lastKeepAlive) {
      this.lastKeepAlive = hint
      const m = hint === undefined ? null : /timeout\s*=\s*(\d+)/i.exec(hint)
      this.keepAliveMs = m ? Number(m[1]) * 1000 - KEEP_ALIVE_MARGIN_MS : Infinity
    }
  }

  responseBody(chunk: Buffer, start: number, length: number): void {
    this.current?.data(chunk, start, length)
  }

  responseComplete(reusable: boolean): void {
    const p = this.current
    if (p === undefined) return
    this.current = undefined
    this.reusableUntil = performance.now() + this.keepAliveMs
    p.finish()
    this.owner.onReleased(this, reusable)
  }

  private end(error: Error | undefined): void {
    if (this.gone) return
    this.gone = true
    // A body delimited by the end of the connection is complete now.
    if (error === undefined && this.current !== undefined) this.parser.finish()
    if (this.current !== undefined) {
      const p = this.current
      this.current = undefined
      p.fail(error ?? transportError('ECONNRESET', 'the server closed the connection before the response was complete'))
    }
    this.socket.destroy()
    this.owner.onClosed(this, this.isConnected ? undefined : (error ?? transportError('ECONNRESET', 'the server closed the connection while connecting')))
  }
}
