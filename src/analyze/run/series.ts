// Stage 1 of analyzeRun: the recorded seconds as per-second series, and the load's segments.
import type { IntervalLine } from '../../record/layout/lines.ts'
import type { RecordedRun } from '../../record/reader.ts'
import type { RunEnd, Series } from '../analysis.ts'
import { resourceSeries } from '../stats/collect.ts'
import { findWindows, plannedStages, plannedWindows, type Segment } from '../stats/windows.ts'
import { runEndOf } from '../verdict.ts'

/** Seconds recorded: one past the last second any line names. */
export function recordedSeconds(run: RecordedRun): number {
  return run.intervals.reduce((n, i) => Math.max(n, i.t + 1), 0)
}

/** Per-second series from intervals.ndjson and resources.ndjson; latency percentiles and per-endpoint series come later. */
export function recordedSeries(run: RecordedRun, seconds: number): Series {
  const byT = new Map(run.intervals.map((i) => [i.t, i]))
  const t = Array.from({ length: seconds }, (_, i) => i)
  const at = <T>(f: (line: IntervalLine) => T, empty: T) => t.map((i) => (byT.has(i) ? f(byT.get(i)!) : empty))
  return {
    t,
    arrivalsPlanned: at((l) => l.arrivals.planned, 0),
    arrivalsStarted: at((l) => l.arrivals.started, 0),
    arrivalsDropped: at((l) => l.arrivals.dropped, 0),
    active: at((l) => l.active, 0),
    throughput: at((l) => l.requests, 0),
    errors: at((l) => Object.values(l.endpoints).reduce((n, e) => n + e.count - e.ok, 0), 0),
    bytesIn: at((l) => Object.values(l.endpoints).reduce((n, e) => n + e.bytesIn, 0), 0),
    p50: [], p95: [], p99: [],
    errorsByKind: {},
    endpoints: {},
    resources: resourceSeries(run.resources, seconds),
    generator: {
      eluMax: at((l) => (l.generator.workers.length ? Math.max(...l.generator.workers.map((w) => w?.elu ?? 0)) : null), null as number | null),
      lagP99MaxMs: at((l) => (l.generator.workers.length ? Math.max(...l.generator.workers.map((w) => w?.lagP99Ms ?? 0)) : null), null as number | null),
    },
  }
}

/** How the run ended, and the phases of its load: planned stages for a staircase, found in the data otherwise. */
export function loadSegments(run: RecordedRun, series: Series, seconds: number, minSteadySec: number | undefined): { end: RunEnd; segments: Segment[] } {
  // Phases are found in the load the generator applied: arrivals (open) or active learners (closed).
  const load = run.run.scenario.model === 'closed' ? series.active : series.arrivalsStarted
  // A staircase's steps are its plan (run.json), never re-detected: two short steps must not merge.
  // A ladder on one stream of several: the steps are that stream's.
  const ramped = run.run.capacity?.stream === undefined ? undefined : run.run.scenario.streams?.find((s) => s.name === run.run.capacity!.stream)
  const stages = run.run.scenario.model === 'open' ? plannedStages(ramped?.profile ?? run.run.scenario.profile) : undefined
  // A run stopped early (a ladder's SLO watch, a signal) ends its last step where arrivals stopped;
  // the second in which they stopped is only partly loaded.
  const end = runEndOf(run, seconds)
  const lastArrival = series.arrivalsStarted.reduce((last, n, i) => (n > 0 ? i + 1 : last), 0)
  const arrivalsEnd = end.reason === 'completed' ? lastArrival : lastArrival - 1
  const segments = stages ? plannedWindows(stages, Math.min(seconds, arrivalsEnd)) : findWindows(load, minSteadySec)
  return { end, segments }
}
