// analyzeRun's stages (src/analyze/run/), each on a synthetic run with known answers: the series,
// the endpoint summaries and the rate's seconds, the tallies, the windows and the signals.
import { describe, expect, it } from 'vitest'
import { endpointSummaries } from '../../../src/analyze/run/endpoints.ts'
import { loadSegments, recordedSeconds, recordedSeries } from '../../../src/analyze/run/series.ts'
import { signalsOf } from '../../../src/analyze/run/signals.ts'
import { runTallies } from '../../../src/analyze/run/tallies.ts'
import { summariseWindows } from '../../../src/analyze/run/window-summaries.ts'
import { collectHistograms } from '../../../src/analyze/stats/collect.ts'
import { syntheticRun } from '../../helpers/synthetic-run.ts'

// 20 s: 10 requests/s of a page at 20 ms, 1 of them a 503, and from second 10 a login at 100 ms.
const { run, histograms } = syntheticRun({
  seconds: 20,
  endpoints: [
    { name: 'GET /api/courses/:id', count: () => 10, latencies: (_, n) => Array(n).fill(20), statuses: () => ({ 200: 9, 503: 1 }), errors: () => ({ http: 1 }) },
    { name: 'POST /api/auth/login', count: (t) => (t >= 10 ? 2 : 0), latencies: (_, n) => Array(n).fill(100) },
  ],
  arrivals: () => ({ planned: 5, started: 5, dropped: 0 }),
  checks: { 'page opened': { pass: 9, fail: 1 } },
  journeys: () => ({ study: { started: 5, completed: 4, failed: 1, interrupted: 0 } }),
  journeyErrors: (t) => (t === 3 ? [{ journey: 'study', message: 'boom', count: 2 }] : []),
  resources: [{ source: 'target', kind: 'prometheus', metrics: (t) => ({ cpu_ratio: t / 20 }) }],
})

function stages() {
  const seconds = recordedSeconds(run)
  const series = recordedSeries(run, seconds)
  const { end, segments } = loadSegments(run, series, seconds, undefined)
  const collected = collectHistograms(run, histograms, seconds, segments)
  return { seconds, series, end, segments, collected }
}

describe("analyzeRun's stages", () => {
  it('series: one value per recorded second', () => {
    const { seconds, series } = stages()
    expect(seconds).toBe(20)
    expect(series.throughput.slice(8, 12)).toEqual([10, 10, 12, 12])
    expect(series.errors.every((e) => e === 1)).toBe(true)
    expect(series.arrivalsStarted.reduce((a, b) => a + b, 0)).toBe(100)
    expect(series.resources.target!.cpu_ratio![10]).toBeCloseTo(0.5)
  })

  it('endpoints: counts, error rates and rates per second of the run, busiest first', () => {
    const { seconds, series, collected } = stages()
    const { endpoints, overall, durationSec } = endpointSummaries(run, seconds, series, collected)
    expect(durationSec).toBe(20)
    expect(endpoints.map((e) => [e.name, e.count, e.errors])).toEqual([['GET /api/courses/:id', 200, 20], ['POST /api/auth/login', 20, 0]])
    expect(endpoints[0]!.errorRate).toBeCloseTo(0.1)
    expect(endpoints[1]!.throughputPerSec).toBe(1)
    expect(overall.count).toBe(220)
    expect(series.endpoints['POST /api/auth/login']!.throughput.slice(9, 11)).toEqual([0, 2])
    expect(series.errorsByKind.http!.every((n) => n === 1)).toBe(true)
  })

  it('tallies: checks, journeys and distinct journey errors summed over the run', () => {
    const { collected } = stages()
    const t = runTallies(run, collected)
    expect(t.checks.get('page opened')).toEqual({ pass: 9, fail: 1 })
    expect(t.journeys).toEqual([{ name: 'study', started: 100, completed: 80, failed: 20, interrupted: 0 }])
    expect(t.journeyErrors).toEqual([{ journey: 'study', message: 'boom', count: 2, firstSec: 3 }])
  })

  it('windows and signals: what the rules read', () => {
    const { seconds, series, segments, collected } = stages()
    const windows = summariseWindows(segments, series, collected)
    expect(windows.length).toBeGreaterThan(0)
    const steady = windows.find((w) => w.kind === 'steady')!
    expect(steady.arrivalRatePerSec).toBe(5)
    const { endpoints, overall, durationSec } = endpointSummaries(run, seconds, series, collected)
    const signals = signalsOf(run, { seconds, series, windows, overall, endpoints, durationSec, arrivals: { planned: 100, started: 100, dropped: 0 } })
    expect(signals.metrics?.source).toBe('target')
    expect(signals.generatorSaturated).toBe(false)
    expect(signals.totalRequestMs).toBeCloseTo(200 * 20 + 20 * 100, -1)
  })
})
