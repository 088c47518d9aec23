import { missingCacheOutcomes } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { cacheTotals, rebuildMs } from './cache.ts'
import type { EndpointSummary } from '../analysis.ts'
import { clamp01, componentMs, pct } from './signals.ts'

/** Lock and pool waits on the given routes. */
export const inducedWaitMs = (endpoints: EndpointSummary[]) => endpoints.reduce((t, e) => t + componentMs(e, 'lock') + componentMs(e, 'pool'), 0)

/** The cache hardly ever hits: off, too small, or keyed so requests never share entries. */
export const cacheIneffective: FindingRule = {
  id: 'cache-ineffective',
  kind: 'cause',
  missing: missingCacheOutcomes,
  detect(s) {
    const t = cacheTotals(s)
    const lookups = t.hit + t.miss + t.coalesced
    let hitRatio: number | undefined
    if (lookups >= 20) hitRatio = (t.hit + t.coalesced) / lookups
    else if (s.metrics?.has('cache_hit_ratio') && (s.metrics.mean('cache_misses_per_s') ?? 0) >= 1) hitRatio = s.metrics.mean('cache_hit_ratio')
    if (hitRatio === undefined || hitRatio >= 0.2) return undefined
    const affected = t.endpoints.filter(({ c }) => c.miss > (c.hit + c.coalesced) * 4).map(({ e }) => e)
    const spent = rebuildMs(s, affected)
    // A route that misses reads from the database before and inside its transactions, so they hold
    // the write lock and their connections longer and the next writers queue: the lock and pool
    // waits on the routes that miss are the missing cache's (rank.ts takes them off those findings).
    const induced = inducedWaitMs(affected)
    const impact = clamp01((spent + induced) / Math.max(1, s.totalRequestMs))
    return {
      id: 'cache-ineffective',
      severity: impact >= 0.25 ? 'critical' : 'warning',
      title: `The cache hits only ${pct(hitRatio)} of lookups`,
      explanation: `${pct(hitRatio)} of cache lookups hit (${lookups || 'many'} lookups): every page rebuilds from the database${affected.length ? `, on ${affected.slice(0, 3).map((e) => e.name).join(', ')}` : ''}. ` +
        'A cache that is off, too small for the working set, or keyed per user makes every read a database read' +
        `${induced > 0 ? `, and the transactions of the routes that miss hold their locks and connections longer: waits on them are ${pct(induced / Math.max(1, s.totalRequestMs))} of all request time` : ''}.`,
      evidence: { chart: 'res-cache', metric: 'server-timing cache / lms_cache_*', values: { hitRatio: Number(hitRatio.toFixed(3)), hits: t.hit, misses: t.miss, waitShare: Number((induced / Math.max(1, s.totalRequestMs)).toFixed(3)) }, endpoints: affected.map((e) => e.name) },
      recommendation: 'Turn the cache on and size it to the working set (course pages, catalog pages, question definitions); key shared pages by course, not by user.',
      confidence: lookups >= 20 ? 0.85 : 0.6,
      impact,
    }
  },
}
