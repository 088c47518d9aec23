import type { Histogram } from '../../metrics/histogram.ts'
import type { LatencySummary } from '../analysis.ts'

const round = (us: number) => Math.round(us) / 1000

/** Percentiles of a µs histogram, in milliseconds (HdrHistogram's values, never interpolated). */
export function summarise(h: Histogram | undefined): LatencySummary | undefined {
  if (!h || h.totalCount === 0) return undefined
  return {
    min: round(h.minNonZeroValue),
    p50: round(h.getValueAtPercentile(50)),
    p75: round(h.getValueAtPercentile(75)),
    p90: round(h.getValueAtPercentile(90)),
    p95: round(h.getValueAtPercentile(95)),
    p99: round(h.getValueAtPercentile(99)),
    p999: round(h.getValueAtPercentile(99.9)),
    max: round(h.maxValue),
    mean: round(h.mean),
  }
}
