import type { EndpointSummary } from '../analysis.ts'
import type { Signals } from './signals.ts'

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
