import type { MissingData } from './rule.ts'
import type { Signals } from './signals.ts'

// What each family of rules needs from the target, said once: a rule without it reports
// "not evaluated" with this reason and what would let it judge.

const SCRAPE = '--scrape the target\'s Prometheus /metrics'

/** The target's CPU: /proc of its process, or process_cpu_seconds_total from its /metrics. */
export function missingCpu(s: Signals): MissingData | undefined {
  if (s.process?.has('cpu_ratio') || s.metrics?.has('cpu_ratio')) return undefined
  return { reason: 'no CPU data for the target', needs: `--pid <the target's pid> on the same machine, or ${SCRAPE} with process_cpu_seconds_total` }
}

/** A target metric from its /metrics (`metric` as the sampler names it, `exported` as the target does). */
export function missingMetric(s: Signals, metric: string, what: string, exported: string, min = 1): MissingData | undefined {
  if ((s.metrics?.values(metric).length ?? 0) >= min) return undefined
  return { reason: `no ${what} from the target`, needs: `${SCRAPE} with ${exported}` }
}

/** The target's memory: heap or resident size from its /metrics, or resident size from /proc. */
export function missingMemory(s: Signals): MissingData | undefined {
  if (s.metrics?.has('heap_used_bytes') || s.metrics?.has('rss_bytes') || s.process?.has('rss_bytes')) return undefined
  return { reason: 'no memory data for the target', needs: `--pid <the target's pid>, or ${SCRAPE} with nodejs_heap_size_used_bytes or process_resident_memory_bytes` }
}

/**
 * A Server-Timing component in the responses, or a metric that stands in for it: a rule about
 * database, lock, pool or upstream time cannot judge a target that reports neither.
 */
export function missingComponent(s: Signals, component: string, what: string, metric?: { name: string; exported: string }): MissingData | undefined {
  if (s.endpoints.some((e) => e.serverTiming[component] !== undefined)) return undefined
  if (metric && s.metrics?.has(metric.name)) return undefined
  return {
    reason: `the target reported no ${what} time`,
    needs: `a Server-Timing response header with a '${component}' duration (e.g. ${component};dur=12.3)${metric ? `, or ${SCRAPE} with ${metric.exported}` : ''}`,
  }
}

/** Statement counts per route: only the target can count them. */
export function missingStatementCounts(s: Signals): MissingData | undefined {
  if (Object.values(s.routes).some((r) => r.db_queries_per_request !== undefined)) return undefined
  return { reason: 'no statement count per request from the target', needs: `${SCRAPE} with a per-route histogram of statements per request (lms_db_queries_per_request{route})` }
}

/** Cache outcomes: Server-Timing descriptions or cache counters. */
export function missingCacheOutcomes(s: Signals): MissingData | undefined {
  if (s.endpoints.some((e) => Object.keys(e.serverTimingDesc).some((d) => d.startsWith('cache='))) || s.metrics?.has('cache_hit_ratio')) return undefined
  return { reason: 'the target reported no cache hits or misses', needs: `a Server-Timing 'cache' entry with desc=hit, miss or coalesced, or ${SCRAPE} with lms_cache_hits_total and lms_cache_misses_total` }
}
