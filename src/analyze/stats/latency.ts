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

/** Percentiles drawn on a percentile-spectrum plot (as HdrHistogram's plotter does: dense toward 100). */
export const SPECTRUM_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100] as const

/** The latency at each spectrum percentile, in ms; empty without samples. */
export function spectrum(h: Histogram | undefined): Array<{ percentile: number; ms: number }> {
  if (!h || h.totalCount === 0) return []
  return SPECTRUM_PERCENTILES.map((p) => ({ percentile: p, ms: round(p === 0 ? h.minNonZeroValue : p === 100 ? h.maxValue : h.getValueAtPercentile(p)) }))
}
