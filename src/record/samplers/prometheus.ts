import type { ResourceSample, Sampler } from './index.ts'
import { parsePromText, sumBy, sumOf, type PromSample } from './prom-text.ts'

type Rule =
  | { out: string; gauge: string; scale?: number }
  | { out: string; rate: string; scale?: number }
  | { out: string; mean: string; scale?: number }

// The families the analyzer needs, normalised to names with units. Node's prom-client defaults
// and the reference backend's lms_* families; any other exporter's process_* families match too.
const RULES: Rule[] = [
  { out: 'cpu_ratio', rate: 'process_cpu_seconds_total' },
  { out: 'rss_bytes', gauge: 'process_resident_memory_bytes' },
  { out: 'heap_used_bytes', gauge: 'nodejs_heap_size_used_bytes' },
  { out: 'external_memory_bytes', gauge: 'nodejs_external_memory_bytes' },
  { out: 'open_fds', gauge: 'process_open_fds' },
  { out: 'event_loop_lag_p99_ms', gauge: 'nodejs_eventloop_lag_p99_seconds', scale: 1000 },
  { out: 'event_loop_lag_max_ms', gauge: 'nodejs_eventloop_lag_max_seconds', scale: 1000 },
  { out: 'event_loop_utilization', gauge: 'lms_event_loop_utilization' },
  { out: 'gc_ratio', rate: 'nodejs_gc_duration_seconds_sum' },
  { out: 'http_requests_per_s', rate: 'lms_http_request_duration_seconds_count' },
  { out: 'http_mean_ms', mean: 'lms_http_request_duration_seconds', scale: 1000 },
  { out: 'db_queries_per_s', rate: 'lms_db_queries_total' },
  { out: 'db_time_ratio', rate: 'lms_db_query_duration_seconds_sum' },
  { out: 'db_pool_size', gauge: 'lms_db_pool_size' },
  { out: 'db_pool_in_use', gauge: 'lms_db_pool_in_use' },
  { out: 'db_pool_waiting', gauge: 'lms_db_pool_waiting' },
  { out: 'db_pool_wait_mean_ms', mean: 'lms_db_pool_wait_seconds', scale: 1000 },
  { out: 'db_lock_wait_ratio', rate: 'lms_db_lock_wait_seconds_sum' },
  { out: 'cache_hits_per_s', rate: 'lms_cache_hits_total' },
  { out: 'cache_misses_per_s', rate: 'lms_cache_misses_total' },
  { out: 'cache_rebuild_ratio', rate: 'lms_cache_rebuild_seconds_sum' },
  { out: 'upstream_calls_per_s', rate: 'lms_upstream_duration_seconds_count' },
  { out: 'upstream_mean_ms', mean: 'lms_upstream_duration_seconds', scale: 1000 },
  { out: 'upstream_queued', gauge: 'lms_upstream_queued' },
  { out: 'auth_hash_ratio', rate: 'lms_auth_hash_duration_seconds_sum' },
]

type RouteRule = { out: string; rate: string } | { out: string; mean: string; scale?: number }

const ROUTE_RULES: RouteRule[] = [
  { out: 'requests_per_s', rate: 'lms_http_request_duration_seconds_count' },
  { out: 'mean_ms', mean: 'lms_http_request_duration_seconds', scale: 1000 },
  { out: 'db_queries_per_s', rate: 'lms_db_queries_total' },
  { out: 'db_queries_per_request', mean: 'lms_db_queries_per_request' },
  { out: 'db_time_mean_ms', mean: 'lms_db_time_per_request_seconds', scale: 1000 },
]

/** Scrapes a Prometheus endpoint and turns counters into rates and histograms into means. */
export class PrometheusSampler implements Sampler {
  readonly source: string
  private readonly url: string
  private readonly timeoutMs: number
  private previous: { at: number; samples: PromSample[] } | undefined

  constructor(url: string, source = `metrics:${url}`, timeoutMs = 900) {
    this.url = url
    this.source = source
    this.timeoutMs = timeoutMs
  }

  async scrape(): Promise<PromSample[]> {
    // Node's fetch is loaded on first use: a run that scrapes nothing does not pay for it at start.
    const res = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) }).catch((error: Error) => {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, a bad certificate) is its cause.
      throw new Error((error.cause as Error | undefined)?.message ?? error.message)
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`${this.url} answered ${res.status}`)
    return parsePromText(text)
  }

  async sample(): Promise<ResourceSample | undefined> {
    const at = performance.now()
    const samples = await this.scrape()
    const prev = this.previous
    this.previous = { at, samples }
    return normalise(samples, prev?.samples, prev ? (at - prev.at) / 1000 : undefined, this.source)
  }
}

/** Pure: one scrape (and the previous one, for rates) to normalised metrics. */
export function normalise(now: PromSample[], before: PromSample[] | undefined, seconds: number | undefined, source: string): ResourceSample {
  const metrics: Record<string, number> = {}
  const delta = (name: string) => {
    const a = sumOf(now, name)
    const b = before ? sumOf(before, name) : undefined
    return a === undefined || b === undefined ? undefined : Math.max(0, a - b)
  }
  for (const rule of RULES) {
    const scale = rule.scale ?? 1
    if ('gauge' in rule) {
      const v = sumOf(now, rule.gauge)
      if (v !== undefined) metrics[rule.out] = v * scale
    } else if ('rate' in rule) {
      const d = delta(rule.rate)
      if (d !== undefined && seconds) metrics[rule.out] = (d / seconds) * scale
    } else {
      const sum = delta(`${rule.mean}_sum`)
      const count = delta(`${rule.mean}_count`)
      if (sum !== undefined && count) metrics[rule.out] = (sum / count) * scale
    }
  }
  const hits = delta('lms_cache_hits_total')
  const misses = delta('lms_cache_misses_total')
  if (hits !== undefined && misses !== undefined && hits + misses > 0) metrics.cache_hit_ratio = hits / (hits + misses)

  const routes: Record<string, Record<string, number>> = {}
  if (before && seconds) {
    const byRoute = (name: string, samples: PromSample[]) => sumBy(samples, name, 'route')
    for (const rule of ROUTE_RULES) {
      if ('rate' in rule) {
        const a = byRoute(rule.rate, now)
        const b = byRoute(rule.rate, before)
        for (const [route, v] of a) {
          const d = v - (b.get(route) ?? 0)
          if (d > 0) (routes[route] ??= {})[rule.out] = d / seconds
        }
      } else {
        const sa = byRoute(`${rule.mean}_sum`, now)
        const sb = byRoute(`${rule.mean}_sum`, before)
        const ca = byRoute(`${rule.mean}_count`, now)
        const cb = byRoute(`${rule.mean}_count`, before)
        for (const [route, count] of ca) {
          const dc = count - (cb.get(route) ?? 0)
          if (dc > 0) (routes[route] ??= {})[rule.out] = (((sa.get(route) ?? 0) - (sb.get(route) ?? 0)) / dc) * (rule.scale ?? 1)
        }
      }
    }
  }
  const sample: ResourceSample = { source, kind: 'prometheus', metrics }
  if (Object.keys(routes).length > 0) sample.routes = routes
  return sample
}
