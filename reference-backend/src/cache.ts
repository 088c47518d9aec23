import { performance } from 'node:perf_hooks'
import { LRUCache } from 'lru-cache'
import type { Metrics } from './metrics.ts'
import { noteCache, type RequestState } from './request-state.ts'

export interface CacheOptions {
  enabled: boolean
  /** Single-flight: concurrent misses for one key share one rebuild. */
  coalesce: boolean
  maxEntries: number
  ttlMs: number
}

/** An in-process read-through cache of built objects (course pages, catalog pages). */
export class EntityCache<V extends object> {
  private readonly name: string
  private readonly options: CacheOptions
  private readonly lru: LRUCache<string, V>
  private readonly inflight = new Map<string, Promise<V>>()
  private readonly metrics: Metrics
  // Bumped on invalidation so a rebuild that started before an edit never stores stale data.
  private generation = 0

  constructor(name: string, options: CacheOptions, metrics: Metrics) {
    this.name = name
    this.options = options
    this.metrics = metrics
    this.lru = new LRUCache<string, V>({ max: options.maxEntries, ttl: options.ttlMs })
  }

  /**
   * `joinInflight: false` from inside a transaction: waiting on another request's rebuild, which
   * may itself wait for the connection this transaction holds, could deadlock a small pool.
   */
  async get(key: string, state: RequestState, build: () => Promise<V>, joinInflight = true): Promise<V> {
    if (this.options.enabled) {
      const cached = this.lru.get(key)
      if (cached !== undefined) {
        this.metrics.cacheHits.labels(this.name).inc()
        noteCache(state, 'hit')
        return cached
      }
      const pending = this.options.coalesce && joinInflight ? this.inflight.get(key) : undefined
      if (pending) {
        noteCache(state, 'coalesced')
        this.metrics.cacheMisses.labels(this.name).inc()
        return pending
      }
    }
    this.metrics.cacheMisses.labels(this.name).inc()
    noteCache(state, 'miss')
    return this.rebuild(key, build, joinInflight)
  }

  private async rebuild(key: string, build: () => Promise<V>, share: boolean): Promise<V> {
    const generation = this.generation
    const start = performance.now()
    const promise = build()
    if (this.options.enabled && this.options.coalesce && share) this.inflight.set(key, promise)
    try {
      const value = await promise
      this.metrics.cacheRebuild.labels(this.name).observe((performance.now() - start) / 1000)
      if (this.options.enabled && generation === this.generation) this.lru.set(key, value)
      return value
    } finally {
      if (this.inflight.get(key) === promise) this.inflight.delete(key)
    }
  }

  invalidate(key: string): void {
    this.generation++
    this.lru.delete(key)
    this.inflight.delete(key)
  }

  clear(): void {
    this.generation++
    this.lru.clear()
    this.inflight.clear()
  }
}
