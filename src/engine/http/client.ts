import { H1Pool } from './h1-pool.ts'
import { Pending, transportError } from './h1-connection.ts'
import type { HttpClientOptions, OutgoingRequest, RequestSender, ResponseParts } from './types.ts'

export type { HttpClientOptions, OutgoingRequest, RequestSender, ResponseHeaders, ResponseParts } from './types.ts'

// Characters that would end a request line or header early (request smuggling, broken framing).
const UNSAFE = /[\r\n\0]/
const SPACE_OR_CONTROL = /[\s\0-\x1f\x7f]/

interface Origin {
  pool: H1Pool
  /** `host` header line, sent unless the request brings its own. */
  hostLine: string
}

/**
 * One pool of keep-alive HTTP/1.1 connections per origin, shared by every learner of a worker.
 * Timeouts are checked by one sweep per client instead of a timer per request: a request times out
 * between its deadline and one sweep period later (the period is a tenth of the shortest timeout,
 * between 5 and 250 ms); the latency recorded is the time it really waited.
 */
export class HttpClient implements RequestSender {
  private readonly origins = new Map<string, Origin>()
  private sweeper: NodeJS.Timeout | undefined
  private sweepMs = Infinity
  readonly options: HttpClientOptions

  constructor(options: HttpClientOptions) {
    this.options = options
  }

  send(origin: string, request: OutgoingRequest, keepBody: boolean): Promise<ResponseParts> {
    return new Promise((resolve, reject) => {
      const target = this.origins.get(origin) ?? this.open(origin)
      const head = serialize(request, target.hostLine)
      if (head === undefined) {
        reject(transportError('ERR_INVALID_REQUEST', `${request.method} ${request.path}: a header or the path holds a character HTTP does not allow`))
        return
      }
      const timeoutMs = request.timeoutMs ?? this.options.requestTimeoutMs
      if (timeoutMs / 10 < this.sweepMs) this.startSweep(timeoutMs)
      const noBody = request.method === 'HEAD'
      target.pool.send(new Pending(head, request.body, keepBody, noBody, timeoutMs, resolve, reject))
    })
  }

  get queued(): number {
    let queued = 0
    for (const { pool } of this.origins.values()) queued += pool.queued
    return queued
  }

  stats(): { queued: number; running: number; connected: number } {
    const queued = this.queued
    let running = 0
    let connected = 0
    for (const { pool } of this.origins.values()) {
      running += pool.running
      connected += pool.connected
    }
    return { queued, running, connected }
  }

  preconnect(origin: string, count: number): Promise<void> {
    return (this.origins.get(origin) ?? this.open(origin)).pool.preconnect(count)
  }

  /** Ends every queued and running request now (the run is stopping); later requests get fresh pools. */
  destroyNow(): void {
    const pools = [...this.origins.values()]
    this.origins.clear()
    for (const { pool } of pools) pool.destroy(transportError('ABORT_ERR', 'the run is stopping'))
  }

  async close(): Promise<void> {
    this.destroyNow()
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = undefined
    this.sweepMs = Infinity
  }

  private open(origin: string): Origin {
    const url = new URL(origin)
    const connectTimeoutMs = Math.min(10_000, this.options.requestTimeoutMs)
    const target = { pool: new H1Pool(url, this.options, connectTimeoutMs), hostLine: `host: ${url.host}\r\n` }
    this.origins.set(origin, target)
    if (this.options.requestTimeoutMs / 10 < this.sweepMs) this.startSweep(this.options.requestTimeoutMs)
    return target
  }

  private startSweep(timeoutMs: number): void {
    this.sweepMs = Math.min(250, Math.max(5, timeoutMs / 10))
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = setInterval(() => {
      const now = performance.now()
      for (const { pool } of this.origins.values()) pool.sweep(now)
    }, this.sweepMs)
    this.sweeper.unref()
  }
}

/** The request line and headers, or undefined when a value would break the framing. */
function serialize(request: OutgoingRequest, hostLine: string): string | undefined {
  if (SPACE_OR_CONTROL.test(request.path) || SPACE_OR_CONTROL.test(request.method)) return undefined
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`
  let ownHost = false
  let ownLength = false
  const headers = request.headers
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!
    const value = headers[i + 1]!
    if (UNSAFE.test(name) || UNSAFE.test(value)) return undefined
    if (name.length === 4 && name.toLowerCase() === 'host') ownHost = true
    else if (name.length === 14 && name.toLowerCase() === 'content-length') ownLength = true
    head += `${name}: ${value}\r\n`
  }
  if (!ownHost) head += hostLine
  const body = request.body
  if (body !== undefined && !ownLength) head += `content-length: ${typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength}\r\n`
  return head + '\r\n'
}
