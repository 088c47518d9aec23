import { encodeHistogram, latencyHistogram, recordUs, type Histogram } from '../metrics/histogram.ts'
import type { JourneyCounts } from '../metrics/interval.ts'
import type { EndpointSnapshot, StepSnapshot } from './messages.ts'

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

/** Everything a worker counts during one second of the run. */
export class IntervalStats {
  readonly endpoints = new Map<string, EndpointStats>()
  private readonly stepStats = new Map<string, StepStats>()
  journeys: Record<string, JourneyCounts> = {}
  checks: Record<string, { pass: number; fail: number }> = {}
  started = 0
  dropped = 0
  readonly startLag = latencyHistogram()
  journeyErrors: Array<{ journey: string; message: string }> = []
  /** Writes the target acknowledged this second: [kind, key, value, at (epoch ms)]. */
  writes: Array<[string, string, string | number | null, number]> = []

  endpoint(name: string): EndpointStats {
    let e = this.endpoints.get(name)
    if (!e) {
      e = new EndpointStats()
      this.endpoints.set(name, e)
    }
    return e
  }

  journey(name: string): JourneyCounts {
    return (this.journeys[name] ??= { started: 0, completed: 0, failed: 0, interrupted: 0 })
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

  journeyError(journey: string, message: string): void {
    if (this.journeyErrors.length < 5) this.journeyErrors.push({ journey, message: message.slice(0, 300) })
  }

  /** Takes this second's numbers and resets for the next. */
  drain() {
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
    const out = {
      arrivals: { started: this.started, dropped: this.dropped },
      journeys: this.journeys,
      endpoints,
      steps,
      checks: this.checks,
      startLag: encodeHistogram(this.startLag),
      journeyErrors: this.journeyErrors,
      writes: this.writes,
    }
    this.started = 0
    this.dropped = 0
    this.journeys = {}
    this.checks = {}
    this.journeyErrors = []
    this.writes = []
    this.startLag.reset()
    return out
  }
}

export { recordUs }
