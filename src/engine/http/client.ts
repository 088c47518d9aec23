import { Pool } from 'undici'

export interface HttpClientOptions {
  /** Connections per origin (undici's Pool is unbounded otherwise). */
  connections: number
  requestTimeoutMs: number
}

/** One keep-alive undici Pool per origin, shared by every learner of a worker. */
export class HttpClient {
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
