// Stage 2 of analyzeRun: per-endpoint counts over the run and per second, summarised with their
// latency and Server-Timing; the overall summary; the run's duration for rates.
import type { IntervalLine } from '../../record/layout/lines.ts'
import type { RecordedRun } from '../../record/reader.ts'
import type { EndpointSummary, Series } from '../analysis.ts'
import type { Collected } from '../stats/collect.ts'
import { summarise } from '../stats/latency.ts'
import { addOutcomeCounts, addTallies } from '../../metrics/outcome.ts'
import type { Histogram } from '../../metrics/histogram.ts'

export type EndpointCounts = IntervalLine['endpoints'][string]

export const zero = (): EndpointCounts => ({ count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, timingDesc: {} })

export function addCounts(c: EndpointCounts, e: EndpointCounts): void {
  addOutcomeCounts(c, e)
  addTallies(c.timingDesc ??= {}, e.timingDesc ?? {})
}

export interface EndpointStage {
  endpoints: EndpointSummary[]
  overall: EndpointSummary
  /** Seconds the rates are per (docs/analysis.md). */
  durationSec: number
}

/** Endpoint summaries; fills `series.errorsByKind` and `series.endpoints` on the way. */
export function endpointSummaries(run: RecordedRun, seconds: number, series: Series, collected: Collected): EndpointStage {
  const counts = new Map<string, EndpointCounts>()
  for (const line of run.intervals) {
    for (const [id, e] of Object.entries(line.endpoints)) {
      const name = run.endpoints.get(id) ?? id
      const c = counts.get(name) ?? zero()
      addCounts(c, e)
      counts.set(name, c)
      if (line.t < seconds) {
        for (const [kind, n] of Object.entries(e.errors)) (series.errorsByKind[kind] ??= Array(seconds).fill(0))[line.t]! += n
      }
      const s = (series.endpoints[name] ??= { throughput: Array(seconds).fill(0), errors: Array(seconds).fill(0), p95: collected.perSecondEndpoint.get(name) ?? Array(seconds).fill(null) })
      if (line.t < seconds) {
        s.throughput[line.t]! += e.count
        s.errors[line.t]! += e.count - e.ok
      }
    }
  }
  const durationSec = rateSeconds(run, series, seconds)
  const summary = (name: string, c: EndpointCounts, hist = collected.latency.get(name)): EndpointSummary => endpointSummary(name, c, hist, collected.timing.get(name), durationSec)
  const endpoints = [...counts.entries()].map(([name, c]) => summary(name, c)).sort((a, b) => b.count - a.count)
  const total = zero()
  for (const c of counts.values()) addCounts(total, c)
  return { endpoints, overall: { ...summary('overall', total, collected.overall), serverTiming: {} }, durationSec }
}

/** An endpoint's (or a stream's, or the run's) summary from its counts, latency and Server-Timing. */
export function endpointSummary(name: string, c: EndpointCounts, hist: Histogram | undefined, timing: Map<string, Histogram> | undefined, durationSec: number): EndpointSummary {
  const latencyMs = summarise(hist)
  const serverTiming: EndpointSummary['serverTiming'] = {}
  for (const [component, h] of timing ?? []) {
    const meanMs = h.mean / 1000
    serverTiming[component] = { meanMs: Number(meanMs.toFixed(3)), p95Ms: h.getValueAtPercentile(95) / 1000, share: latencyMs && latencyMs.mean > 0 ? Number((meanMs / latencyMs.mean).toFixed(4)) : 0 }
  }
  const errors = c.count - c.ok
  return {
    name, count: c.count, ok: c.ok, errors, errorRate: c.count ? errors / c.count : 0, errorsByKind: c.errors, statuses: c.statuses,
    throughputPerSec: c.count / durationSec, bytesIn: c.bytesIn, bytesOut: c.bytesOut, latencyMs, serverTiming, serverTimingDesc: c.timingDesc,
  }
}

/**
 * Rates are per second of the plan when the busy seconds overrun it by one only: a 5 s run whose
 * seconds do not start on a response straddles 6 calendar seconds (autocannon divides by 5 too).
 */
function rateSeconds(run: RecordedRun, series: Series, seconds: number): number {
  const busySeconds = series.throughput.map((x, i) => (x > 0 ? i : -1)).filter((i) => i >= 0)
  const busySpan = busySeconds.length ? busySeconds[busySeconds.length - 1]! - busySeconds[0]! + 1 : Math.max(1, seconds)
  const plannedSec = run.run.plan.durationMs / 1000
  return Number.isInteger(plannedSec) && plannedSec >= 1 && busySpan === plannedSec + 1 ? plannedSec : busySpan
}
