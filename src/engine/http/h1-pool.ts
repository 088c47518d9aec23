import { H1Connection, Pending, transportError, type ConnectionOwner, type Endpoint } from './h1-connection.ts'
import type { HttpClientOptions } from './types.ts'

/**
 * Up to `connections` keep-alive connections to one origin, and the requests waiting for one, in
 * arrival order. Hand-written rather than undici's Pool: on this path undici cost about twice what
 * the whole request costs with our own connection (bench:generators, docs/benchmarks.md section 2),
 * and a load generator needs none of its generality (pipelining, redirects, interceptors, HTTP/2).
 */
export class H1Pool implements ConnectionOwner {
  readonly connections = new Set<H1Connection>()
  private readonly idle: H1Connection[] = []
  private queue: Pending[] = []
  private queueHead = 0
  private opening = 0
  private readonly endpoint: Endpoint
  private readonly max: number
  private readonly connectTimeoutMs: number
  private settled: (() => void)[] = []

  constructor(origin: URL, options: HttpClientOptions, connectTimeoutMs: number) {
    const secure = origin.protocol === 'https:'
    const host = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname
    this.endpoint = {
      tls: secure,
      host,
      port: Number(origin.port || (secure ? 443 : 80)),
      servername: secure && !/^[\d.]+$|:/.test(host) ? host : undefined,
      ca: options.ca,
      rejectUnauthorized: options.insecure !== true,
      session: undefined,
    }
    this.max = options.connections
    this.connectTimeoutMs = connectTimeoutMs
  }

  get queued(): number {
    return this.queue.length - this.queueHead
  }

  get running(): number {
    let n = 0
    for (const c of this.connections) if (c.current !== undefined) n++
    return n
  }

  get connected(): number {
    let n = 0
    for (const c of this.connections) if (c.isConnected) n++
    return n
  }

  send(p: Pending): void {
    const c = this.takeIdle()
    if (c !== undefined) {
      c.dispatch(p)
      return
    }
    this.queue.push(p)
    this.grow()
  }

  /**
   * Opens connections until `count` are open or opening (at most the pool's size); resolves when
   * none is opening any more, made or not (a failed one is opened again by the first request).
   */
  preconnect(count: number): Promise<void> {
    while (this.connections.size < Math.min(count, this.max)) this.openConnection()
    if (this.opening === 0) return Promise.resolve()
    return new Promise((resolve) => this.settled.push(resolve))
  }

  onConnected(c: H1Connection): void {
    this.opening--
    this.next(c)
    this.notifySettled()
  }

  onReleased(c: H1Connection, reusable: boolean): void {
    if (!reusable) {
      this.forget(c)
      c.destroy()
      this.grow()
      return
    }
    this.next(c)
  }

  onClosed(c: H1Connection, connectError: Error | undefined): void {
    if (!this.connections.has(c)) return
    if (!c.isConnected) this.opening--
    this.forget(c)
    // A connection that could not be made fails the oldest waiting request, so that every
    // request sent to a target that refuses is counted as refused, once.
    if (connectError !== undefined) this.shift()?.fail(connectError)
    this.grow()
    this.notifySettled()
  }

  /** Fails requests that waited past their deadline and connections not made in time. */
  sweep(now: number): void {
    for (const c of this.connections) {
      if (c.current !== undefined) {
        if (now > c.current.deadline) c.destroy(transportError('ETIMEDOUT', `no response within ${c.current.timeoutMs} ms`))
      } else if (!c.isConnected && now > c.connectDeadline) {
        c.destroy(transportError('ETIMEDOUT', `could not connect within ${this.connectTimeoutMs} ms`))
        this.forget(c)
        this.opening--
        this.shift()?.fail(transportError('ETIMEDOUT', `could not connect within ${this.connectTimeoutMs} ms`))
        this.grow()
        this.notifySettled()
      }
    }
  }

  /** Fails every waiting and running request with `error` and closes every connection. */
  destroy(error: Error): void {
    const waiting = this.queue.slice(this.queueHead)
    this.queue = []
    this.queueHead = 0
    for (const p of waiting) p.fail(error)
    for (const c of [...this.connections]) {
      this.forget(c)
      c.destroy(error)
    }
    this.opening = 0
    this.notifySettled()
  }

  private notifySettled(): void {
    if (this.opening > 0 || this.settled.length === 0) return
    const settled = this.settled
    this.settled = []
    for (const resolve of settled) resolve()
  }

  private next(c: H1Connection): void {
    const p = this.shift()
    if (p !== undefined) c.dispatch(p)
    else this.idle.push(c)
  }

  private takeIdle(): H1Connection | undefined {
    const now = performance.now()
    let c: H1Connection | undefined
    while ((c = this.idle.pop()) !== undefined) {
      if (now < c.reusableUntil) return c
      // The server is about to close it: a request written now could meet the close.
      this.forget(c)
      c.destroy()
    }
    return undefined
  }

  /** Opens connections for waiting requests, up to the pool's size. */
  private grow(): void {
    while (this.queued > this.opening && this.connections.size < this.max) this.openConnection()
  }

  private openConnection(): void {
    this.opening++
    this.connections.add(new H1Connection(this.endpoint, this, this.connectTimeoutMs))
  }

  private shift(): Pending | undefined {
    if (this.queueHead >= this.queue.length) return undefined
    const p = this.queue[this.queueHead]!
    this.queue[this.queueHead++] = undefined as unknown as Pending
    // Compact once the consumed head outweighs what is still waiting.
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead)
      this.queueHead = 0
    }
    return p
  }

  private forget(c: H1Connection): void {
    this.connections.delete(c)
    const i = this.idle.indexOf(c)
    if (i >= 0) this.idle.splice(i, 1)
  }
}
