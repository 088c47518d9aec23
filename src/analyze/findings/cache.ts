import type { EndpointSummary } from '../analysis.ts'
import { componentMs, type Signals } from './signals.ts'

export interface CacheCounts {
  hit: number
  miss: number
  coalesced: number
}

/** Cache outcomes per endpoint from Server-Timing descriptions (`cache=hit`, `cache=miss`, …). */
export function cacheCounts(e: EndpointSummary): CacheCounts {
  const d = e.serverTimingDesc
  return { hit: d['cache=hit'] ?? 0, miss: d['cache=miss'] ?? 0, coalesced: d['cache=coalesced'] ?? 0 }
}

export function cacheTotals(s: Signals): CacheCounts & { endpoints: Array<{ e: EndpointSummary; c: CacheCounts }> } {
  const endpoints = s.endpoints.map((e) => ({ e, c: cacheCounts(e) })).filter((x) => x.c.hit + x.c.miss + x.c.coalesced > 0)
  const sum = endpoints.reduce((t, { c }) => ({ hit: t.hit + c.hit, miss: t.miss + c.miss, coalesced: t.coalesced + c.coalesced }), { hit: 0, miss: 0, coalesced: 0 })
  return { ...sum, endpoints }
}

/**
 * Database time the given routes spent rebuilding cache entries (ms). The target's own rebuild
 * time (`lms_cache_rebuild_seconds`, scraped as `cache_rebuild_ratio`) is shared out by misses;
 * without it, a route's database time is taken in proportion to its misses, which undercounts when
 * a miss costs more than a hit (it always does), so the finding stays on the safe side.
 */
export function rebuildMs(s: Signals, endpoints: EndpointSummary[]): number {
  const rebuilt = s.metrics?.has('cache_rebuild_ratio') ? 1000 * s.metrics.values('cache_rebuild_ratio').reduce((a, b) => a + b, 0) : undefined
  const allMisses = s.endpoints.reduce((n, e) => n + cacheCounts(e).miss, 0)
  return endpoints.reduce((t, e) => {
    const c = cacheCounts(e)
    const db = componentMs(e, 'db')
    if (c.miss === 0) return t
    const byMetric = rebuilt !== undefined && allMisses > 0 ? rebuilt * (c.miss / allMisses) : undefined
    return t + Math.min(db, byMetric ?? db * (c.miss / (c.hit + c.miss + c.coalesced)))
  }, 0)
}
