import { performance } from 'node:perf_hooks'
import client from 'prom-client'
import type { DbObserver } from './db/database.ts'
import type { Pool } from './db/pool.ts'

// Metric names follow Prometheus conventions (base units, _total, _seconds, _bytes). Histograms
// are labelled by route template, never by the expanded URL, so cardinality stays bounded.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const QUERY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
const COUNT_BUCKETS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]

export class Metrics implements DbObserver {
  readonly registry = new client.Registry()
  private readonly httpDuration: client.Histogram<'method' | 'route' | 'status'>
  private readonly dbQueryDuration: client.Histogram<'route'>
  private readonly dbQueries: client.Counter<'route'>
  private readonly dbQueriesPerRequest: client.Histogram<'route'>
  private readonly dbTimePerRequest: client.Histogram<'route'>
  private readonly dbPoolWait: client.Histogram
  private readonly dbLockWait: client.Histogram<'route'>
  readonly cacheHits: client.Counter<'cache'>
  readonly cacheMisses: client.Counter<'cache'>
  readonly cacheRebuild: client.Histogram<'cache'>
  readonly upstreamDuration: client.Histogram<'service' | 'outcome'>
  readonly hashDuration: client.Histogram<'mode'>
  readonly logins: client.Counter<'result'>
  private readonly queryChildren = new Map<string, client.Histogram.Internal<'route'>>()

  constructor(pool: Pool, upstreamState: () => { inFlight: number; queued: number }) {
    const registry = this.registry
    client.collectDefaultMetrics({ register: registry })
    this.httpDuration = new client.Histogram({
      name: 'lms_http_request_duration_seconds', help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers: [registry],
    })
    this.dbQueryDuration = new client.Histogram({
      name: 'lms_db_query_duration_seconds', help: 'Database statement duration (round trip) by route',
      labelNames: ['route'], buckets: QUERY_BUCKETS, registers: [registry],
    })
    this.dbQueries = new client.Counter({ name: 'lms_db_queries_total', help: 'Database statements by route', labelNames: ['route'], registers: [registry] })
    this.dbQueriesPerRequest = new client.Histogram({
      name: 'lms_db_queries_per_request', help: 'Database statements issued by one request', labelNames: ['route'],
      buckets: COUNT_BUCKETS, registers: [registry],
    })
    this.dbTimePerRequest = new client.Histogram({
      name: 'lms_db_time_per_request_seconds', help: 'Time one request spent in database statements', labelNames: ['route'],
      buckets: LATENCY_BUCKETS, registers: [registry],
    })
    this.dbPoolWait = new client.Histogram({
      name: 'lms_db_pool_wait_seconds', help: 'Time waiting for a free database connection', buckets: QUERY_BUCKETS, registers: [registry],
    })
    this.dbLockWait = new client.Histogram({
      name: 'lms_db_lock_wait_seconds', help: 'Time waiting for the write lock or a row lock', labelNames: ['route'],
      buckets: QUERY_BUCKETS, registers: [registry],
    })
    new client.Gauge({
      name: 'lms_db_pool_size', help: 'Database connections in the pool', registers: [registry],
      collect() { this.set(pool.stats().size) },
    })
    new client.Gauge({
      name: 'lms_db_pool_in_use', help: 'Database connections checked out', registers: [registry],
      collect() { this.set(pool.stats().inUse) },
    })
    new client.Gauge({
      name: 'lms_db_pool_waiting', help: 'Requests waiting for a database connection', registers: [registry],
      collect() { this.set(pool.stats().waiting) },
    })
    this.cacheHits = new client.Counter({ name: 'lms_cache_hits_total', help: 'Cache hits', labelNames: ['cache'], registers: [registry] })
    this.cacheMisses = new client.Counter({ name: 'lms_cache_misses_total', help: 'Cache misses', labelNames: ['cache'], registers: [registry] })
    this.cacheRebuild = new client.Histogram({
      name: 'lms_cache_rebuild_seconds', help: 'Time to rebuild a cache entry from the database', labelNames: ['cache'],
      buckets: QUERY_BUCKETS, registers: [registry],
    })
    this.upstreamDuration = new client.Histogram({
      name: 'lms_upstream_duration_seconds', help: 'Upstream call duration including queueing', labelNames: ['service', 'outcome'],
      buckets: LATENCY_BUCKETS, registers: [registry],
    })
    new client.Gauge({
      name: 'lms_upstream_in_flight', help: 'Upstream calls in flight', registers: [registry],
      collect() { this.set(upstreamState().inFlight) },
    })
    new client.Gauge({
      name: 'lms_upstream_queued', help: 'Upstream calls waiting for a concurrency slot', registers: [registry],
      collect() { this.set(upstreamState().queued) },
    })
    this.hashDuration = new client.Histogram({
      name: 'lms_auth_hash_duration_seconds', help: 'Password hashing time by mode (async thread pool or sync on the event loop)',
      labelNames: ['mode'], buckets: LATENCY_BUCKETS, registers: [registry],
    })
    this.logins = new client.Counter({ name: 'lms_auth_logins_total', help: 'Login attempts by result', labelNames: ['result'], registers: [registry] })
    let lastElu = performance.eventLoopUtilization()
    new client.Gauge({
      name: 'lms_event_loop_utilization', help: 'Event-loop utilisation (0..1) since the previous scrape', registers: [registry],
      aggregator: 'average',
      collect() {
        const now = performance.eventLoopUtilization()
        this.set(performance.eventLoopUtilization(now, lastElu).utilization)
        lastElu = now
      },
    })
  }

  query(route: string, seconds: number): void {
    let child = this.queryChildren.get(route)
    if (!child) {
      child = this.dbQueryDuration.labels(route)
      this.queryChildren.set(route, child)
    }
    child.observe(seconds)
  }

  poolWait(seconds: number): void {
    this.dbPoolWait.observe(seconds)
  }

  lockWait(route: string, seconds: number): void {
    this.dbLockWait.labels(route).observe(seconds)
  }

  request(method: string, route: string, status: number, seconds: number, queries: number, dbSeconds: number): void {
    this.httpDuration.labels(method, route, String(status)).observe(seconds)
    if (queries > 0) {
      this.dbQueries.labels(route).inc(queries)
      this.dbQueriesPerRequest.labels(route).observe(queries)
      this.dbTimePerRequest.labels(route).observe(dbSeconds)
    }
  }
}
