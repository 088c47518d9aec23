// Stage of analyzeRun for a run whose scenario has streams: per stream, its arrivals, requests,
// latency and series, and what the other streams' busy seconds did to its latency ("the exam
// starves the background"). Endpoints and steps are a stream's by their ids (run.json).
import type { RecordedRun } from '../../record/reader.ts'
import type { StreamInterference, StreamSummary } from '../analysis.ts'
import type { BusySeconds, Collected } from '../stats/collect.ts'
import { summarise } from '../stats/latency.ts'
import { addCounts, endpointSummary, zero, type EndpointCounts } from './endpoints.ts'
import { addChecks } from './tallies.ts'

/**
 * A stream is busy in the seconds in which its requests, averaged over BUSY_SMOOTH_SEC seconds,
 * reach this share of their peak: an exam's spike of sign-ins and attempt starts, not the long
 * tail of its takers thinking over answers (active learners would count those).
 */
export const BUSY_SHARE = 0.5
export const BUSY_SMOOTH_SEC = 5

/** Per stream, its busy seconds (1) among the run's. Empty for a run without streams. */
export function streamBusySeconds(run: RecordedRun, seconds: number): BusySeconds {
  const busy: BusySeconds = new Map()
  for (const s of run.run.scenario.streams ?? []) {
    const requests = new Float64Array(seconds)
    for (const line of run.intervals) {
      const part = line.streams?.[s.name]
      if (part && line.t < seconds) requests[line.t] = part.requests
    }
    const half = Math.floor(BUSY_SMOOTH_SEC / 2)
    const smooth = requests.map((_, t) => {
      let sum = 0
      let n = 0
      for (let u = Math.max(0, t - half); u <= Math.min(seconds - 1, t + half); u++, n++) sum += requests[u]!
      return n ? sum / n : 0
    })
    const peak = Math.max(0, ...smooth)
    const marks = new Uint8Array(seconds)
    if (peak > 0) for (let t = 0; t < seconds; t++) marks[t] = smooth[t]! >= BUSY_SHARE * peak ? 1 : 0
    busy.set(s.name, marks)
  }
  return busy
}

const p95Of = (h: { totalCount: number; getValueAtPercentile(p: number): number }) => (h.totalCount > 0 ? h.getValueAtPercentile(95) / 1000 : null)

export function streamSummaries(run: RecordedRun, seconds: number, collected: Collected, durationSec: number, busy: BusySeconds): StreamSummary[] | undefined {
  const declared = run.run.scenario.streams
  if (!declared) return undefined
  return declared.map((s) => {
    const sc = collected.streams.get(s.name)
    const counts = new Map<string, EndpointCounts>()
    const stepCounts = new Map<string, { count: number; failed: number }>()
    const checks = new Map<string, { pass: number; fail: number }>()
    const zeros = () => Array(seconds).fill(0) as number[]
    const series: StreamSummary['series'] = {
      arrivalsPlanned: zeros(), arrivalsStarted: zeros(), arrivalsDropped: zeros(), active: zeros(), throughput: zeros(), errors: zeros(),
      p95: sc?.p95 ?? Array(seconds).fill(null),
    }
    const arrivals = { planned: 0, started: 0, dropped: 0, peakActive: 0 }
    for (const line of run.intervals) {
      const part = line.streams?.[s.name]
      const inRun = line.t < seconds
      if (part) {
        arrivals.planned += part.arrivals.planned
        arrivals.started += part.arrivals.started
        arrivals.dropped += part.arrivals.dropped
        arrivals.peakActive = Math.max(arrivals.peakActive, part.peakActive, part.active)
        if (inRun) {
          series.arrivalsPlanned[line.t] = part.arrivals.planned
          series.arrivalsStarted[line.t] = part.arrivals.started
          series.arrivalsDropped[line.t] = part.arrivals.dropped
          series.active[line.t] = part.active
        }
        addChecks(checks, part.checks)
      }
      for (const [id, e] of Object.entries(line.endpoints)) {
        if (run.streamOf.get(id) !== s.name) continue
        const name = run.endpoints.get(id) ?? id
        const c = counts.get(name) ?? zero()
        addCounts(c, e)
        counts.set(name, c)
        if (inRun) {
          series.throughput[line.t]! += e.count
          series.errors[line.t]! += e.count - e.ok
        }
      }
      for (const [id, st] of Object.entries(line.steps)) {
        if (run.streamOf.get(id) !== s.name) continue
        const name = run.steps.get(id) ?? id
        const c = stepCounts.get(name) ?? { count: 0, failed: 0 }
        c.count += st.count
        c.failed += st.failed
        stepCounts.set(name, c)
      }
    }
    const total = zero()
    for (const c of counts.values()) addCounts(total, c)
    const marks = busy.get(s.name)
    const first = marks ? marks.indexOf(1) : -1
    // Only a stream busy in a burst (at most half the run) has busy seconds to set against the rest.
    const bursts = [...(sc?.against ?? [])].filter(([by]) => {
      const m = busy.get(by)
      return m !== undefined && m.reduce((n, x) => n + x, 0) <= seconds / 2
    })
    const interference: StreamInterference[] = bursts.map(([by, split]) => {
      const during = p95Of(split.during)
      const outside = p95Of(split.outside)
      return {
        by,
        during: { requests: split.during.totalCount, p95Ms: during },
        outside: { requests: split.outside.totalCount, p95Ms: outside },
        ratio: during !== null && outside !== null && outside > 0 ? Number((during / outside).toFixed(3)) : null,
      }
    })
    return {
      name: s.name, model: s.model, startAfterSec: s.startAfterMs / 1000, journeys: s.journeys, arrivals,
      overall: { ...endpointSummary(`stream:${s.name}`, total, sc?.overall, undefined, durationSec) },
      endpoints: [...counts.entries()].map(([name, c]) => endpointSummary(name, c, sc?.endpoints.get(name), undefined, durationSec)).sort((a, b) => b.count - a.count),
      steps: [...stepCounts.entries()].map(([name, c]) => ({ name, ...c, durationMs: summarise(sc?.steps.get(name)) })),
      checks: [...checks.entries()].map(([label, c]) => ({ label, ...c, passRate: c.pass + c.fail ? c.pass / (c.pass + c.fail) : 1 })),
      busy: first < 0 ? null : { startSec: first, endSec: marks!.lastIndexOf(1) + 1 },
      series,
      interference,
    }
  })
}
