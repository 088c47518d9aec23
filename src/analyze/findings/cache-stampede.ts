import { missingCacheOutcomes } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { cacheTotals, rebuildMs } from './cache.ts'
import { clamp01, pct } from './signals.ts'

/**
 * Many requests rebuild the same entry at once: the cache works between invalidations, but each
 * invalidation sends every concurrent reader to the database (no single-flight).
 */
export const cacheStampede: FindingRule = {
  id: 'cache-stampede',
  kind: 'cause',
  missing: missingCacheOutcomes,
  detect(s) {
    const t = cacheTotals(s)
    // A working cache misses about once per entry per lifetime, and concurrent misses are coalesced
    // (single-flight). Dozens of rebuilds on a route that mostly hits, with nobody waiting on a
    // rebuild in progress, mean entries vanish under load and every reader rebuilds its own copy.
    const affected = t.endpoints
      .filter(({ c }) => c.miss >= 10 && c.coalesced < 0.1 * c.miss && c.hit >= c.miss)
      .sort((a, b) => b.c.miss - a.c.miss)
    if (affected.length === 0) return undefined
    const misses = affected.reduce((n, { c }) => n + c.miss, 0)
    const lookups = affected.reduce((n, { c }) => n + c.hit + c.miss + c.coalesced, 0)
    const coalesced = affected.reduce((n, { c }) => n + c.coalesced, 0)
    const perSecond = s.metrics?.values('cache_misses_per_s') ?? []
    const burstSeconds = perSecond.filter((m) => m >= 5).length
    // What the stampede costs is its rebuilds: every miss waits for a rebuild of its own. (What
    // the rebuilds' work does to other routes, through shared cores and connections, rank.ts
    // takes off those findings by the rebuilds' share of the work.)
    const rebuilt = rebuildMs(s, affected.map(({ e }) => e))
    const impact = clamp01(rebuilt / Math.max(1, s.totalRequestMs))
    const top = affected[0]!.e
    return {
      id: 'cache-stampede',
      severity: impact >= 0.25 ? 'critical' : 'warning',
      title: `Cache stampedes: ${misses} rebuilds on ${top.name}`,
      explanation: `${top.name} mostly hits its cache, yet ${misses} of ${lookups} lookups missed and rebuilt the entry themselves while ${coalesced} waited for a rebuild in progress` +
        `${burstSeconds ? `; misses came in bursts (${burstSeconds} seconds with 5 or more)` : ''}. Entries are invalidated under load and every concurrent reader goes to the database at once` +
        `: rebuilding took ${Math.round(rebuilt)} ms in all, ${pct(impact)} of all request time.`,
      evidence: { chart: 'res-cache', metric: 'server-timing cache / lms_cache_misses_total', values: { misses, lookups, coalesced, burstSeconds, hitRatio: Number((1 - misses / Math.max(1, lookups)).toFixed(3)), rebuildMs: Math.round(rebuilt), rebuildShare: Number(impact.toFixed(3)) }, endpoints: affected.map(({ e }) => e.name) },
      recommendation: 'Coalesce concurrent rebuilds of one key (single-flight, or lru-cache fetch()), serve the stale entry while one request rebuilds it, and invalidate only on real edits, not on a timer.',
      confidence: 0.75,
      impact,
    }
  },
}
