import type { DrillJson } from '../record/drill-json.ts'
// analysis.json: the analyzer's output and the only input of report writers. A public,
// versioned contract (docs/analysis.md); fields are added, never renamed.

export const ANALYSIS_SCHEMA = 'lmsload.analysis/1'

export interface LatencySummary {
  min: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  p999: number
  max: number
  mean: number
}

export interface ServerTimingShare {
  /** Mean milliseconds per request of this component. */
  meanMs: number
  p95Ms: number
  /** Share of the endpoint's mean latency this component accounts for (0..1). */
  share: number
}

export interface EndpointSummary {
  name: string
  count: number
  ok: number
  errors: number
  errorRate: number
  errorsByKind: Record<string, number>
  statuses: Record<string, number>
  throughputPerSec: number
  bytesIn: number
  bytesOut: number
  /** undefined when no response was timed (every request failed before a response). */
  latencyMs: LatencySummary | undefined
  serverTiming: Record<string, ServerTimingShare>
  /** Server-Timing descriptions counted (e.g. `cache=hit`). */
  serverTimingDesc: Record<string, number>
}

export interface Window {
  startSec: number
  /** Exclusive. */
  endSec: number
  kind: 'steady' | 'ramp-up' | 'ramp-down' | 'idle' | 'burst'
  arrivalRatePerSec: number
  throughputPerSec: number
  /** Mean requests in flight, by Little's law: throughput × mean latency. */
  concurrency: number
  activeLearners: number
  errorRate: number
  latencyMs: LatencySummary | undefined
}

export interface BudgetResult {
  /** `overall`, an endpoint name, `step:<name>` or `check:<label>`. */
  target: string
  rule: string
  metric: string
  op: '<' | '<=' | '>' | '>='
  limit: number
  measured: number | null
  unit: 'ms' | 'ratio' | 'per_s' | 'count'
  passed: boolean
  /** Headroom as a share of the limit: positive when passing, negative when failing. */
  margin: number | null
  source: 'scenario' | 'file'
  /** Why the budget could not be measured (a target the run never saw). */
  problem?: string
}

export type Severity = 'critical' | 'warning' | 'info'

export interface Finding {
  id: string
  severity: Severity
  title: string
  explanation: string
  evidence: {
    metric: string
    values: Record<string, number>
    window?: { startSec: number; endSec: number }
    endpoints: string[]
  }
  recommendation: string
  /** How sure the rule is, 0..1. */
  confidence: number
  /** Share of the run's latency (or of its trustworthiness) this cause accounts for, 0..1: the ranking key. */
  impact: number
}

export interface SpectrumPoint {
  percentile: number
  ms: number
}

export interface Series {
  t: number[]
  arrivalsPlanned: number[]
  arrivalsStarted: number[]
  arrivalsDropped: number[]
  active: number[]
  throughput: number[]
  errors: number[]
  bytesIn: number[]
  p50: Array<number | null>
  p95: Array<number | null>
  p99: Array<number | null>
  /** Failed requests per second by error kind (`status_5xx`, `timeout`, `refused`, …). */
  errorsByKind: Record<string, number[]>
  endpoints: Record<string, { throughput: number[]; errors: number[]; p95: Array<number | null> }>
  /** source → metric → value per second (null where not sampled). */
  resources: Record<string, Record<string, Array<number | null>>>
  generator: { eluMax: Array<number | null>; lagP99MaxMs: Array<number | null> }
}

export interface Analysis {
  schema: typeof ANALYSIS_SCHEMA
  generatedAt: string
  run: {
    id: string
    dir: string
    scenario: string
    description: string
    model: 'open' | 'closed'
    status: string
    complete: boolean
    target: string
    bundledBackend: boolean
    backendProfile?: string
    startedAt: string
    durationSec: number
    seed: number
    options: Record<string, unknown>
    environment: Record<string, unknown>
    profile: Record<string, unknown>
  }
  verdict: { passed: boolean; budgetsFailed: number; findingsCritical: number; sentence: string }
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  steps: Array<{ name: string; count: number; failed: number; durationMs: LatencySummary | undefined }>
  checks: Array<{ label: string; pass: number; fail: number; passRate: number }>
  journeys: Array<{ name: string; started: number; completed: number; failed: number; interrupted: number }>
  arrivals: { planned: number; started: number; dropped: number; achievedRatio: number | null; startLagMs: LatencySummary | undefined; /** Most learners active in one second. */ peakActive: number }
  windows: Window[]
  /** Latency percentile spectrum (ms) of the whole run and of each endpoint, for HdrHistogram-style plots. */
  spectrum: { overall: SpectrumPoint[]; endpoints: Record<string, SpectrumPoint[]> }
  budgets: BudgetResult[]
  findings: Finding[]
  capacity?: unknown
  series: Series
  trust: { generatorSaturated: boolean; droppedArrivals: number; closedModel: boolean; incomplete: boolean }
  /** Stretches in which most requests got no HTTP answer (target down or hung), longest first. */
  outages: Outage[]
  /** What `lmsload drill` did and measured (drill.json), with the failures it caused. */
  drill?: DrillSummary
  warnings: string[]
}

/** A stretch of the run in which the target was down or hung to its learners. */
export interface Outage {
  /** First second (from the run's start) in which most requests got no answer. */
  startSec: number
  /** The second after the last such second. */
  endSec: number
  durationSec: number
  /** Requests that got no answer in the window, by kind (refused, reset, timeout…). */
  failed: number
  failedByKind: Record<string, number>
  /** Requests answered in the window (the outage may be partial). */
  answered: number
}

export interface DrillSummary extends Omit<DrillJson, 'schema'> {
  /** Requests that failed (no HTTP answer, or an unexpected status) from the kill to the recovery (or the run's end). */
  failedDuringOutage: number
  /** Requests that ended in that window, answered or not. */
  requestsDuringOutage: number
}
