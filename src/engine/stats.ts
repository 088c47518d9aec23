import { encodeHistogram, latencyHistogram, recordUs, type Histogram } from '../metrics/histogram.ts'
import { journeyCounts, MAX_DISTINCT_JOURNEY_ERRORS, OVERFLOW_JOURNEY_ERROR, type JourneyCounts, type JourneyError } from '../metrics/interval.ts'
import type { EndpointSnapshot, StepSnapshot, StreamSnapshot } from './messages.ts'

/** One endpoint's numbers for the current second; histograms are reused, never reallocated. */
export class EndpointStats {
  count = 0
  ok = 0
  errors: Record<string, number> = {}
  statuses: Record<string, number> = {}
  bytesIn = 0
  bytesOut = 0
  readonly latency: Histogram = latencyHistogram()
  readonly timing = new Map<string, Histogram>()
  timingDesc: Record<string, number> = {}

  recordTiming(component: string, ms: number): void {
    let h = this.timing.get(component)
    if (!h) {
      h = latencyHistogram()
      this.timing.set(component, h)
    }
    recordUs(h, ms * 1000)
  }

  snapshot(): EndpointSnapshot | undefined {
    if (this.count === 0) return undefined
    const timing: Record<string, string> = {}
    for (const [component, h] of this.timing) {
      if (h.totalCount > 0) timing[component] = encodeHistogram(h)
      h.reset()
    }
    const snap: EndpointSnapshot = {
      count: this.count, ok: this.ok, errors: this.errors, statuses: this.statuses, bytesIn: this.bytesIn, bytesOut: this.bytesOut,
      latency: encodeHistogram(this.latency), timing, timingDesc: this.timingDesc,
    }
    this.count = 0
    this.ok = 0
    this.errors = {}
    this.statuses = {}
    this.bytesIn = 0
    this.bytesOut = 0
    this.timingDesc = {}
    this.latency.reset()
    return snap
  }
}

class StepStats {
  count = 0
  failed = 0
  readonly duration = latencyHistogram()
}

/** What a worker counts for one stream during one second: arrivals, journeys, endpoints, steps, checks. */
export class StreamStats {
  readonly endpoints = new Map<string, EndpointStats>()
  private readonly stepStats = new Map<string, StepStats>()
  journeys: Record<string, JourneyCounts> = {}
  checks: Record<string, { pass: number; fail: number }> = {}
  started = 0
  dropped = 0
  /** Most of the stream's learners active at once in this second. */
  peakActive = 0

  endpoint(name: string): EndpointStats {
    let e = this.endpoints.get(name)
    if (!e) {
      e = new EndpointStats()
      this.endpoints.set(name, e)
    }
    return e
  }

  journey(name: string): JourneyCounts {
    return (this.journeys[name] ??= journeyCounts())
  }

  check(label: string, passed: boolean): void {
    const c = (this.checks[label] ??= { pass: 0, fail: 0 })
    if (passed) c.pass++
    else c.fail++
  }

  step(name: string, ms: number, failed: boolean): void {
    let s = this.stepStats.get(name)
    if (!s) {
      s = new StepStats()
      this.stepStats.set(name, s)
    }
    s.count++
    if (failed) s.failed++
    recordUs(s.duration, ms * 1000)
  }

  /** Takes this second's numbers and resets for the next; `active` is the stream's learners now. */
  drain(active: number): StreamSnapshot {
    const endpoints: Record<string, EndpointSnapshot> = {}
    for (const [name, e] of this.endpoints) {
      const snap = e.snapshot()
      if (snap) endpoints[name] = snap
    }
    const steps: Record<string, StepSnapshot> = {}
    for (const [name, s] of this.stepStats) {
      if (s.count === 0) continue
      steps[name] = { count: s.count, failed: s.failed, duration: encodeHistogram(s.duration) }
      s.count = 0
      s.failed = 0
      s.duration.reset()
    }
    const out: StreamSnapshot = {
      arrivals: { started: this.started, dropped: this.dropped },
      activeLearners: active,
      peakActive: Math.max(this.peakActive, active),
      journeys: this.journeys, endpoints, steps, checks: this.checks,
    }
    this.started = 0
    this.dropped = 0
    this.peakActive = active
    this.journeys = {}
    this.checks = {}
    return out
  }
}

/** Everything a worker counts during one second of the run: per stream, and what is the run's. */
export class IntervalStats {
  /** Per stream, in the scenario's order. */
  readonly streams: StreamStats[]
  /** Most learners active at once in this second, over all streams (set by the worker as journeys start). */
  peakActive = 0
  readonly startLag = latencyHistogram()
  journeyErrors: JourneyError[] = []
  /** Writes the target acknowledged this second: [kind, key, value, at (epoch ms)]. */
  writes: Array<[string, string, string | number | null, number]> = []

  constructor(streams = 1) {
    this.streams = Array.from({ length: streams }, () => new StreamStats())
  }

  /** Counts a journey that threw: every one is counted, distinct (journey, place, message) kept apart up to a cap. */
  journeyError(journey: string, message: string, location: string | undefined): void {
    const text = message.length > 300 ? `${message.slice(0, 299)}…` : message
    for (const e of this.journeyErrors) {
      if (e.journey === journey && e.message === text && e.location === location) {
        e.count++
        return
      }
    }
    if (this.journeyErrors.length < MAX_DISTINCT_JOURNEY_ERRORS) {
      this.journeyErrors.push(location === undefined ? { journey, message: text, count: 1 } : { journey, message: text, location, count: 1 })
      return
    }
    const overflow = this.journeyErrors.find((e) => e.journey === journey && e.message === OVERFLOW_JOURNEY_ERROR)
    if (overflow) overflow.count++
    else this.journeyErrors.push({ journey, message: OVERFLOW_JOURNEY_ERROR, count: 1 })
  }

  /** Takes this second's numbers and resets for the next; `active[i]` is stream i's learners now. */
  drain(active: readonly number[]) {
    const out = {
      streams: this.streams.map((s, i) => s.drain(active[i] ?? 0)),
      peakActive: this.peakActive,
      startLag: encodeHistogram(this.startLag),
      journeyErrors: this.journeyErrors,
      writes: this.writes,
    }
    this.peakActive = 0
    this.journeyErrors = []
    this.writes = []
    this.startLag.reset()
    return out
  }
}

export { recordUs }
