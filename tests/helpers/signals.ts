// The Signals a finding rule reads, built from a synthetic run through analyzeRun's own stages
// (src/analyze/run/), so a rule is tested alone on series with known answers.
import type { Signals } from '../../src/analyze/findings/signals.ts'
import { endpointSummaries } from '../../src/analyze/run/endpoints.ts'
import { loadSegments, recordedSeconds, recordedSeries } from '../../src/analyze/run/series.ts'
import { signalsOf } from '../../src/analyze/run/signals.ts'
import { summariseWindows } from '../../src/analyze/run/window-summaries.ts'
import { collectHistograms } from '../../src/analyze/stats/collect.ts'
import { syntheticRun, type SyntheticRun } from './synthetic-run.ts'

export function signalsFor(spec: SyntheticRun): Signals {
  const { run, histograms } = syntheticRun(spec)
  const seconds = recordedSeconds(run)
  const series = recordedSeries(run, seconds)
  const { segments } = loadSegments(run, series, seconds, undefined)
  const collected = collectHistograms(run, histograms, seconds, segments)
  series.p50 = collected.perSecond.p50
  series.p95 = collected.perSecond.p95
  series.p99 = collected.perSecond.p99
  const { endpoints, overall, durationSec } = endpointSummaries(run, seconds, series, collected)
  const windows = summariseWindows(segments, series, collected)
  const arrivals = {
    planned: run.intervals.reduce((n, i) => n + i.arrivals.planned, 0),
    started: run.intervals.reduce((n, i) => n + i.arrivals.started, 0),
    dropped: run.intervals.reduce((n, i) => n + i.arrivals.dropped, 0),
  }
  return signalsOf(run, { seconds, series, windows, overall, endpoints, durationSec, arrivals })
}

/** 60 s of one endpoint at 20 requests/s whose latency (ms) is `ms(t)`. */
export function pageAt(ms: (t: number) => number): SyntheticRun['endpoints'][number] {
  return { name: 'GET /api/courses/:id', count: () => 20, latencies: (t, n) => Array(n).fill(ms(t)) }
}
