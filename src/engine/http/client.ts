import { Pool, type Dispatcher } from 'undici'
import type { IncomingHttpHeaders } from 'undici/types/header.js'

export interface HttpClientOptions {
  /** Connections per origin (undici's Pool is unbounded otherwise). */
  connections: number
  requestTimeoutMs: number
}

const NO_HEADERS: IncomingHttpHeaders = {}

/**
 * One request's response, collected by an undici dispatch handler: no Readable body, no async
 * iterator, no AsyncResource per request (`Pool.request` makes all three). A body the journey does
 * not keep is counted and dropped chunk by chunk as it arrives.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  status = 0
  headers: IncomingHttpHeaders = NO_HEADERS
  /** Body bytes received. */
  bytes = 0
  /** The body when kept (undefined when dropped or empty). */
  body: Buffer | undefined
  private chunks: Buffer[] | undefined
  private readonly keep: boolean
  private readonly resolve: (exchange: Exchange) => void
  private readonly reject: (error: Error) => void

  constructor(keep: boolean, resolve: (exchange: Exchange) => void, reject: (error: Error) => void) {
    this.keep = keep
    this.resolve = resolve
    this.reject = reject
  }

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode
    this.headers = headers
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length
    if (!this.keep) return
    // The first chunk is kept as it is (most bodies arrive in one); later ones are gathered.
    if (this.body === undefined) this.body = chunk
    else (this.chunks ??= [this.body]).push(chunk)
  }

  onResponseEnd(): void {
    if (this.chunks) this.body = Buffer.concat(this.chunks, this.bytes)
    this.resolve(this)
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(error)
  }
}

/** A response as the engine sees it: what `Exchange` collects. */
export interface ResponseParts {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly bytes: number
  readonly body: Buffer | undefined
}

/** What the engine sends requests through: the undici pools, or a fake in unit tests. */
export interface RequestSender {
  /** Sends one request; resolves with the response, rejects with a transport error. */
  send(origin: string, request: Dispatcher.DispatchOptions, keepBody: boolean): Promise<ResponseParts>
  stats(): { queued: number; running: number; connected: number }
  /** Ends every queued and running request now (the run is stopping). */
  destroyNow(): void
  close(): Promise<void>
}

/** One keep-alive undici Pool per origin, shared by every learner of a worker. */
export class HttpClient implements RequestSender {
  private readonly pools = new Map<string, Pool>()
  readonly options: HttpClientOptions

  constructor(options: HttpClientOptions) {
    this.options = options
  }

  pool(origin: string): Pool {
    let pool = this.pools.get(origin)
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
        connectTimeout: Math.min(10_000, this.options.requestTimeoutMs),
      })
      this.pools.set(origin, pool)
    }
    return pool
  }

  /** Sends one request; resolves with the collected response, rejects with undici's error. */
  send(origin: string, request: Dispatcher.DispatchOptions, keepBody: boolean): Promise<Exchange> {
    const pool = this.pool(origin)
    return new Promise((resolve, reject) => {
      pool.dispatch(request, new Exchange(keepBody, resolve, reject))
    })
  }

  stats(): { queued: number; running: number; connected: number } {
    let queued = 0
    let running = 0
    let connected = 0
    for (const pool of this.pools.values()) {
      queued += pool.stats.queued
      running += pool.stats.running
      connected += pool.stats.connected
    }
    return { queued, running, connected }
  }

  /** Ends every queued and running request now (the run is stopping); later requests get fresh pools. */
  destroyNow(): void {
    const pools = [...this.pools.values()]
    this.pools.clear()
    for (const p of pools) p.destroy().catch(() => {})
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy()))
  }
}
