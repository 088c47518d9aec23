import { missingMemory } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { clamp01, type ResourceView } from './signals.ts'

const MIN_GROWTH_BYTES = 64 * 2 ** 20
const MIN_GROWTH_SHARE = 0.3

// Warm-up (JIT, caches, connection buffers) also grows memory, then levels off; a leak keeps
// growing for as long as requests come. So the second half of the busy period must grow too.
const MIN_LATE_GROWTH_BYTES = 32 * 2 ** 20

function growth(view: ResourceView | undefined, metric: string, from: number, to: number) {
  const t = view?.trend(metric, from, to)
  if (!t || t.slope <= 0 || t.r2 < 0.7) return undefined
  const grown = t.last - t.first
  if (grown < MIN_GROWTH_BYTES || grown < MIN_GROWTH_SHARE * Math.max(1, t.first)) return undefined
  const mid = Math.floor((from + to) / 2)
  const late = view!.trend(metric, mid, to)
  if (!late || late.last - late.first < Math.max(MIN_LATE_GROWTH_BYTES, 0.35 * grown)) return undefined
  return { metric, grown, first: t.first, perMinute: t.slope * 60, r2: t.r2 }
}

/** Memory climbs steadily under load and does not come back: a leak. */
export const memoryGrowth: FindingRule = {
  id: 'memory-growth',
  kind: 'cause',
  missing: missingMemory,
  detect(s) {
    // From the first busy second to the last: warm-up allocations settle within seconds.
    const busy = s.series.throughput.map((x, i) => (x > 0 ? i : -1)).filter((i) => i >= 0)
    if (busy.length < 10) return undefined
    const from = busy[0]! + 3
    const to = busy[busy.length - 1]! + 1
    // What the program holds (heap, buffers) when the target reports it; resident memory, which
    // also counts what the allocator keeps, only for a target seen from /proc alone.
    const candidates = (s.metrics?.has('heap_used_bytes')
      ? [growth(s.metrics, 'heap_used_bytes', from, to), growth(s.metrics, 'external_memory_bytes', from, to)]
      : [growth(s.metrics, 'rss_bytes', from, to), growth(s.process, 'rss_bytes', from, to)]
    ).filter((c) => c !== undefined)
    if (candidates.length === 0) return undefined
    const top = candidates.sort((a, b) => b.grown - a.grown)[0]!
    const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`
    const impact = clamp01(0.2 + 0.5 * Math.min(1, top.grown / Math.max(1, top.first)))
    return {
      id: 'memory-growth',
      severity: top.grown >= top.first ? 'critical' : 'warning',
      title: `Memory grows by ${mb(top.perMinute)} a minute under load`,
      explanation: `${top.metric} climbed steadily by ${mb(top.grown)} (from ${mb(top.first)}, R² ${top.r2.toFixed(2)}) while the load held: memory retained per request and never released. ` +
        'It ends in long GC pauses and an out-of-memory restart.',
      evidence: { chart: 'res-memory', metric: top.metric, values: { grownBytes: Math.round(top.grown), startBytes: Math.round(top.first), bytesPerMinute: Math.round(top.perMinute), r2: Number(top.r2.toFixed(3)) }, window: { startSec: from, endSec: to }, endpoints: [] },
      recommendation: 'Take two heap snapshots a few minutes apart under load (node --heapsnapshot-signal, or clinic heapprofiler) and look for what grows: unbounded arrays, maps keyed per request, buffers kept for logging.',
      confidence: 0.8,
      impact,
    }
  },
}
