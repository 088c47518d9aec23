// Builds a run as the reader returns it, from a compact description: for analyzer tests that
// need exact control over what was "recorded" (percentiles, Server-Timing, resources).
import { latencyHistogram, recordUs } from '../../src/metrics/histogram.ts'
import { toSparse } from '../../src/metrics/sparse.ts'
import type { IntervalLine, ResourceLine } from '../../src/record/layout/lines.ts'
import type { LoggedHistogram, RecordedRun } from '../../src/record/reader.ts'
import { RUN_SCHEMA, type RunJson } from '../../src/record/layout/run-json.ts'

export interface SyntheticEndpoint {
  name: string
  /** Requests per second, by second. */
  count: (t: number) => number
  /** Latencies (ms) of the requests of second t. */
  latencies: (t: number, n: number) => number[]
  errors?: (t: number) => Record<string, number>
  statuses?: (t: number, ok: number) => Record<string, number>
  timing?: (t: number) => Record<string, number>
  timingDesc?: (t: number) => Record<string, number>
  bytesPerResponse?: number
}

export interface SyntheticRun {
  seconds: number
  model?: 'open' | 'closed'
  endpoints: SyntheticEndpoint[]
  arrivals?: (t: number) => { planned: number; started: number; dropped: number }
  active?: (t: number) => number
  resources?: Array<{ source: string; kind: string; metrics: (t: number) => Record<string, number>; routes?: (t: number) => Record<string, Record<string, number>> }>
  budgets?: Record<string, string[]>
  checks?: Record<string, { pass: number; fail: number }>
  generatorElu?: (t: number) => number
  /** Journey counts and errors of second t. */
  journeys?: (t: number) => IntervalLine['journeys']
  journeyErrors?: (t: number) => NonNullable<IntervalLine['journeyErrors']>
  /** The load profile as run.json describes it (a staircase's stages make the analyzer use them as windows). */
  profile?: Record<string, unknown>
  /** How the run ended (run.json `end`); completed by default. */
  end?: RunJson['end']
}

export function syntheticRun(spec: SyntheticRun): { run: RecordedRun; histograms: LoggedHistogram[] } {
  const endpoints = new Map(spec.endpoints.map((e, i) => [`e${i + 1}`, e.name]))
  const intervals: IntervalLine[] = []
  const histograms: LoggedHistogram[] = []
  for (let t = 0; t < spec.seconds; t++) {
    const line: IntervalLine = {
      t, ts: 1_800_000_000_000 + t * 1000,
      arrivals: spec.arrivals?.(t) ?? { planned: 10, started: 10, dropped: 0 },
      active: spec.active?.(t) ?? 10,
      requests: 0, journeys: spec.journeys?.(t) ?? {}, endpoints: {}, steps: {}, checks: t === 0 && spec.checks ? spec.checks : {},
      generator: { workers: [{ elu: spec.generatorElu?.(t) ?? 0.2, lagP99Ms: 1, lagMaxMs: 2, cpuRatio: 0.2, heapUsedBytes: 1e7, poolQueued: 0, poolRunning: 1, poolConnected: 4 }] },
    }
    spec.endpoints.forEach((e, i) => {
      const id = `e${i + 1}`
      const n = e.count(t)
      if (n === 0) return
      const errors = e.errors?.(t) ?? {}
      const failed = Object.values(errors).reduce((a, b) => a + b, 0)
      const ok = n - failed
      const latency = latencyHistogram()
      for (const ms of e.latencies(t, n - (failed - (errors.http ?? 0)))) recordUs(latency, ms * 1000)
      histograms.push({ tag: id, second: t, histogram: toSparse(latency) })
      for (const [component, ms] of Object.entries(e.timing?.(t) ?? {})) {
        const h = latencyHistogram()
        for (let k = 0; k < n; k++) recordUs(h, ms * 1000)
        histograms.push({ tag: `${id}.st.${component}`, second: t, histogram: toSparse(h) })
      }
      line.endpoints[id] = {
        count: n, ok, errors, statuses: e.statuses?.(t, ok) ?? { 200: ok, ...(errors.http ? { 500: errors.http } : {}) },
        bytesIn: ok * (e.bytesPerResponse ?? 500), bytesOut: 0, timingDesc: e.timingDesc?.(t) ?? {},
      }
      line.requests += n
    })
    const errors = spec.journeyErrors?.(t)
    if (errors?.length) line.journeyErrors = errors
    intervals.push(line)
  }
  const resources: ResourceLine[] = []
  for (const r of spec.resources ?? []) {
    for (let t = 0; t < spec.seconds; t++) {
      const line: ResourceLine = { t, ts: 0, source: r.source, kind: r.kind as ResourceLine['kind'], metrics: r.metrics(t) }
      const routes = r.routes?.(t)
      if (routes) line.routes = routes
      resources.push(line)
    }
  }
  const runJson: RunJson = {
    schema: RUN_SCHEMA, id: 'synthetic', status: spec.end && spec.end.reason !== 'completed' ? (spec.end.reason === 'failed' ? 'failed' : 'aborted') : 'completed',
    end: spec.end ?? { reason: 'completed' },
    scenario: { name: 'synthetic', description: '', file: 'synthetic.ts', model: spec.model ?? 'open', profile: spec.profile ?? {}, journeys: [], budgets: spec.budgets ?? {}, tags: {} },
    target: { url: 'http://127.0.0.1:1/', bundled: false },
    options: { seed: 1, workers: 1, maxLearners: 1000, connections: 10, requestTimeoutMs: 30_000, gracefulStopMs: 1000, spacing: 'poisson', scrape: [], pids: [] },
    environment: { lmsloadVersion: 'test', node: 'v24', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test', totalMemBytes: 1, hostname: 'test' },
    plan: { learners: 100, durationMs: spec.seconds * 1000 },
    endpoints: [...endpoints].map(([id, name]) => ({ id, name })),
    steps: [],
    startedAt: '2026-11-23T00:00:00.000Z',
  }
  return {
    run: { dir: '/synthetic', run: runJson, complete: true, endpoints, steps: new Map(), streamOf: new Map(), intervals, events: [], resources, shardResources: resources, warnings: [] },
    histograms,
  }
}

/** n latencies spread evenly between lo and hi (ms). */
export function spread(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)))
}
