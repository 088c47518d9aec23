import type { FindingRule } from './rule.ts'
import { cacheTotals } from './cache.ts'
import { clamp01, componentMs, endpointMs, pct } from './signals.ts'

/**
 * Many requests rebuild the same entry at once: the cache works between invalidations, but each
 * invalidation sends every concurrent reader to the database (no single-flight).
 */
export const cacheStampede: FindingRule = {
  id: 'cache-stampede',
  kind: 'cause',
  detect(s) {
    const t = cacheTotals(s)
    const lookups = t.hit + t.miss + t.coalesced
    if (lookups < 20) return undefined
    const hitRatio = (t.hit + t.coalesced) / lookups
    if (hitRatio < 0.2 || hitRatio > 0.97) return undefined
    // Concurrent misses are coalesced when single-flight works; a stampede shows misses instead.
    const misses = s.metrics?.values('cache_misses_per_s') ?? []
    const burstSeconds = misses.filter((m) => m >= 5).length
    const concurrentMisses = t.miss >= 10 && t.coalesced < t.miss * 0.1
    if (!concurrentMisses || (misses.length > 0 && burstSeconds < 2)) return undefined
    const affected = t.endpoints.filter(({ c }) => c.miss >= 5).map(({ e }) => e)
    const missShare = t.miss / lookups
    const spent = affected.reduce((sum, e) => sum + (componentMs(e, 'db') || endpointMs(e) * 0.5), 0)
    const impact = clamp01((spent / Math.max(1, s.totalRequestMs)) * missShare + 0.1)
    return {
      id: 'cache-stampede',
      severity: impact >= 0.25 ? 'critical' : 'warning',
      title: `Cache stampedes: ${t.miss} concurrent rebuilds${affected[0] ? ` on ${affected[0].name}` : ''}`,
      explanation: `The cache hits ${pct(hitRatio)} of lookups, yet ${t.miss} requests missed and rebuilt entries themselves while only ${t.coalesced} waited for a rebuild in progress` +
        `${burstSeconds ? `; misses came in bursts (${burstSeconds} seconds with 5 or more)` : ''}. Each invalidation sends every concurrent reader to the database at once.`,
      evidence: { metric: 'server-timing cache / lms_cache_misses_total', values: { hitRatio: Number(hitRatio.toFixed(3)), misses: t.miss, coalesced: t.coalesced, burstSeconds }, endpoints: affected.map((e) => e.name) },
      recommendation: 'Coalesce concurrent rebuilds of one key (single-flight, or lru-cache fetch()), serve the stale entry while one request rebuilds it, and invalidate only on real edits, not on a timer.',
      confidence: 0.75,
      impact,
    }
  },
}
