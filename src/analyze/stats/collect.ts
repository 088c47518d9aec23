import { latencyHistogram, type Histogram } from '../../metrics/histogram.ts'
import { addSparse, sparsePercentile, type SparseHistogram } from '../../metrics/sparse.ts'
import type { IntervalLine, ResourceLine } from '../../record/layout/lines.ts'
import { parseTag, type SeriesTag } from '../../record/layout/tags.ts'
import type { LoggedHistogram, RecordedRun } from '../../record/reader.ts'
import type { Window } from '../analysis.ts'

/** Everything the analyzer reads once from a run, accumulated in a single pass over latency.hlog. */
export interface Collected {
  seconds: number
  /** Per endpoint name: merged latency over the run. */
  latency: Map<string, Histogram>
  /** Per endpoint name, per Server-Timing component: merged durations. */
  timing: Map<string, Map<string, Histogram>>
  steps: Map<string, Histogram>
  startLag: Histogram
  overall: Histogram
  /** Per second, over all endpoints: p50/p95/p99 in ms (null without requests). */
  perSecond: { p50: Array<number | null>; p95: Array<number | null>; p99: Array<number | null> }
  perSecondEndpoint: Map<string, Array<number | null>>
  /** Merged latency of all endpoints within each window. */
  windowLatency: Histogram[]
  /** In a run with streams: per stream, its latency (run.json `endpoints[].stream`). */
  streams: Map<string, StreamCollected>
}

/** One stream's latency, in a run with streams. */
export interface StreamCollected {
  overall: Histogram
  endpoints: Map<string, Histogram>
  steps: Map<string, Histogram>
  /** The stream's p95 per second, ms. */
  p95: Array<number | null>
  /** Per other stream: this stream's latency in the seconds the other was busy, and in the rest. */
  against: Map<string, { during: Histogram; outside: Histogram }>
}

/** Per stream, the seconds in which it was busy (1) or not (0): for `against`. */
export type BusySeconds = Map<string, Uint8Array>

/**
 * Streams latency.hlog once. Lines of one second are written together, so the per-second overall
 * histogram is finished when the second changes; nothing but merged histograms is kept.
 */
export function collectHistograms(run: RecordedRun, lines: Iterable<LoggedHistogram>, seconds: number, windows: Array<Pick<Window, 'startSec' | 'endSec'>>, busy: BusySeconds = new Map()): Collected {
  const c: Collected = {
    seconds,
    latency: new Map(),
    timing: new Map(),
    steps: new Map(),
    startLag: latencyHistogram(),
    overall: latencyHistogram(),
    perSecond: { p50: Array(seconds).fill(null), p95: Array(seconds).fill(null), p99: Array(seconds).fill(null) },
    perSecondEndpoint: new Map(),
    windowLatency: windows.map(() => latencyHistogram()),
    streams: new Map(),
  }
  const streamed = run.streamOf.size > 0
  // Per stream, its latency in the current second; per endpoint name, too, when ids of several
  // streams share a name (their p95 per second is of the merged histogram).
  const streamSecond = new Map<string, Histogram>()
  const nameSecond = new Map<string, Histogram>()
  const streamOf = (name: string): StreamCollected => {
    let sc = c.streams.get(name)
    if (!sc) {
      sc = { overall: latencyHistogram(), endpoints: new Map(), steps: new Map(), p95: Array(seconds).fill(null), against: new Map() }
      for (const other of busy.keys()) if (other !== name) sc.against.set(other, { during: latencyHistogram(), outside: latencyHistogram() })
      c.streams.set(name, sc)
    }
    return sc
  }
  const windowOf = (second: number) => windows.findIndex((w) => second >= w.startSec && second < w.endSec)
  const tags = new Map<string, SeriesTag>()
  let current = -1
  let secondHist = latencyHistogram()
  const finishSecond = () => {
    if (current >= 0 && current < seconds && secondHist.totalCount > 0) {
      c.perSecond.p50[current] = secondHist.getValueAtPercentile(50) / 1000
      c.perSecond.p95[current] = secondHist.getValueAtPercentile(95) / 1000
      c.perSecond.p99[current] = secondHist.getValueAtPercentile(99) / 1000
      const w = windowOf(current)
      if (w >= 0) c.windowLatency[w]!.add(secondHist)
    }
    secondHist.reset()
    if (!streamed) return
    for (const [name, h] of streamSecond) {
      if (h.totalCount === 0) continue
      const sc = streamOf(name)
      if (current >= 0 && current < seconds) sc.p95[current] = h.getValueAtPercentile(95) / 1000
      for (const [other, split] of sc.against) (busy.get(other)?.[current] ? split.during : split.outside).add(h)
      h.reset()
    }
    for (const [name, h] of nameSecond) {
      if (h.totalCount === 0) continue
      if (current >= 0 && current < seconds) perSecondEndpointOf(name)[current] = h.getValueAtPercentile(95) / 1000
      h.reset()
    }
  }
  const perSecondEndpointOf = (name: string): Array<number | null> => {
    let series = c.perSecondEndpoint.get(name)
    if (!series) c.perSecondEndpoint.set(name, (series = Array(seconds).fill(null)))
    return series
  }
  for (const { tag, second, histogram } of lines) {
    if (second !== current) {
      finishSecond()
      current = second
    }
    // Tags repeat every second: each is parsed once (no garbage per histogram line).
    let series = tags.get(tag)
    if (!series) tags.set(tag, (series = parseTag(tag)))
    if (series.kind === 'start-lag') {
      addSparse(c.startLag, histogram)
      continue
    }
    if (series.kind === 'timing') {
      const name = run.endpoints.get(series.endpoint)
      if (!name) continue
      const component = series.component
      let byComponent = c.timing.get(name)
      if (!byComponent) c.timing.set(name, (byComponent = new Map()))
      addSparse(byComponent.get(component) ?? set(byComponent, component), histogram)
      continue
    }
    const stream = streamed ? run.streamOf.get(series.id) : undefined
    const step = run.steps.get(series.id)
    if (step) {
      addSparse(c.steps.get(step) ?? set(c.steps, step), histogram)
      if (stream !== undefined) {
        const sc = streamOf(stream)
        addSparse(sc.steps.get(step) ?? set(sc.steps, step), histogram)
      }
      continue
    }
    const name = run.endpoints.get(series.id)
    if (!name) continue
    addSparse(c.latency.get(name) ?? set(c.latency, name), histogram)
    addSparse(c.overall, histogram)
    addSparse(secondHist, histogram)
    if (stream !== undefined) {
      const sc = streamOf(stream)
      addSparse(sc.endpoints.get(name) ?? set(sc.endpoints, name), histogram)
      addSparse(sc.overall, histogram)
      addSparse(streamSecond.get(stream) ?? set(streamSecond, stream), histogram)
      addSparse(nameSecond.get(name) ?? set(nameSecond, name), histogram)
    } else if (second >= 0 && second < seconds) {
      perSecondEndpointOf(name)[second] = sparsePercentile(histogram, 95) / 1000
    }
  }
  finishSecond()
  return c
}

/** A fresh accumulator under `key`: inputs are never used as accumulators (they stay unchanged). */
function set<K>(map: Map<K, Histogram>, key: K): Histogram {
  const h = latencyHistogram()
  map.set(key, h)
  return h
}

export type { SparseHistogram }

/** Resources as series per second: source → metric → values (null where not sampled). */
export function resourceSeries(lines: readonly ResourceLine[], seconds: number): Record<string, Record<string, Array<number | null>>> {
  const out: Record<string, Record<string, Array<number | null>>> = {}
  for (const line of lines) {
    const t = Math.round(line.t)
    if (t < 0 || t >= seconds) continue
    const bySource = (out[line.source] ??= {})
    for (const [metric, value] of Object.entries(line.metrics)) {
      const series = (bySource[metric] ??= Array(seconds).fill(null))
      series[t] = value
    }
  }
  return out
}

/** Per route (Prometheus `route` label): run means of the route metrics of one source. */
export function routeMeans(lines: readonly ResourceLine[], source: string): Record<string, Record<string, number>> {
  const sums: Record<string, Record<string, { sum: number; n: number }>> = {}
  for (const line of lines) {
    if (line.source !== source || !line.routes || line.t < 0) continue
    for (const [route, metrics] of Object.entries(line.routes)) {
      for (const [m, v] of Object.entries(metrics)) {
        const s = ((sums[route] ??= {})[m] ??= { sum: 0, n: 0 })
        s.sum += v
        s.n++
      }
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([route, ms]) => [route, Object.fromEntries(Object.entries(ms).map(([m, s]) => [m, s.sum / s.n]))]))
}

export type { IntervalLine }
