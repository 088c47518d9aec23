import { missingMetric } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { clamp01, pct } from './signals.ts'

/** The target spends a large share of its time collecting garbage. */
export const gcPressure: FindingRule = {
  id: 'gc-pressure',
  kind: 'cause',
  missing: (s) => missingMetric(s, 'gc_ratio', 'garbage-collection time', 'nodejs_gc_duration_seconds (prom-client\'s default metrics)'),
  detect(s) {
    const ratio = s.metrics?.quantile('gc_ratio', 0.9)
    if (ratio === undefined || ratio < 0.1) return undefined
    return {
      id: 'gc-pressure',
      severity: ratio >= 0.25 ? 'critical' : 'warning',
      title: `Garbage collection takes ${pct(ratio)} of the target's time`,
      explanation: `In the busiest tenth of the run, ${pct(ratio)} of each second went to garbage collection (nodejs_gc_duration_seconds): allocation per request is high, or the heap is nearly full.`,
      evidence: { chart: 'res-memory', metric: 'nodejs_gc_duration_seconds', values: { gcRatioP90: Number(ratio.toFixed(3)) }, endpoints: [] },
      recommendation: 'Allocate less per request (reuse buffers, stream large bodies), raise --max-old-space-size if the heap is merely too small, and check for a leak (memory-growth).',
      confidence: 0.7,
      impact: clamp01(ratio),
    }
  },
}
