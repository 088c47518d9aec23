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
  /** The planned stage (0-based) of a staircase profile this window belongs to; windows of such runs come from the plan. */
  stage?: number
}

/**
 * What became of one budget (k6's threshold result as a union): met; failed, with the honest cause;
 * or not judged, with the reason. `gates` says whether a not-judged budget fails the gate: one the
 * user wrote does (a typo must never turn a gate green); the default journey budget without a
 * finished journey does not.
 */
export type BudgetVerdict =
  | { kind: 'passed' }
  /** Over the limit, and the load asked for it: the platform's answer. */
  | { kind: 'failed'; cause: 'over-limit' }
  /** A throughput floor the scenario never offered: every arrival started and was served, so the run says nothing of the platform. */
  | { kind: 'failed'; cause: 'offered-load'; offeredPerSec: number }
  | { kind: 'not-judged'; reason: 'never-seen'; targetKind: 'endpoint' | 'step' | 'check' | 'journey'; closest: string | null; gates: true }
  /** The target was seen but the rule's measure has no data (no response timed, no journey ended). */
  | { kind: 'not-judged'; reason: 'no-data'; gates: boolean }
  /**
   * Over a latency ceiling or under a throughput floor while the load generator saturated: its own
   * delays are in the latency and it sent less than planned, so the failure may be the generator's.
   * Still gates: a pass cannot be claimed either.
   */
  | { kind: 'not-judged'; reason: 'generator-saturated'; gates: true }

export interface BudgetResult {
  /** `overall`, an endpoint name, `step:<name>`, `check:<label>`, `journeys` or `journey:<name>`. */
  target: string
  rule: string
  metric: string
  op: '<' | '<=' | '>' | '>='
  limit: number
  measured: number | null
  unit: 'ms' | 'ratio' | 'per_s' | 'count'
  /** verdict.kind === 'passed'. */
  passed: boolean
  verdict: BudgetVerdict
  /** Headroom as a share of the limit: positive when passing, negative when failing. */
  margin: number | null
  /** `default`: the journey-failure budget lmsload applies when none is set (docs/analysis.md). */
  source: 'scenario' | 'file' | 'default'
  /** Where the rule was written (scenario file, budget file), for messages. */
  where: string
}

/** How a run ended (run.json `end`, or derived from its status for older runs). */
export interface RunEnd {
  reason: 'completed' | 'interrupted' | 'stopped-by-budget' | 'failed' | 'killed'
  /** The signal (interrupted), the budget or SLO (stopped), the error (failed). */
  detail?: string
  /** Seconds recorded and seconds planned. */
  atSec: number
  plannedSec: number
}

/** The headline cause, when the evidence says it mattered to the latency or errors the budgets judge. */
export interface VerdictBottleneck {
  id: string
  title: string
  severity: Severity
  /** Share of request time (or of failed requests) the cause accounts for. */
  impact: number
  /**
   * Why it is called the bottleneck: `dominant` (more than half of request time: more than all other
   * causes together), `explains-overrun` (removing its share brings the worst failing latency budget
   * within its limit), `errors` (a failing error, check or journey budget, or a critical error finding).
   * `minor`: it is only the largest contributor.
   */
  why: 'dominant' | 'explains-overrun' | 'errors' | 'minor'
}

/** The verdict as data; report/ renders every sentence from it. */
export interface Verdict {
  /** The gate: no budget failed and no gating budget went unjudged (exit 0 when the run completed). */
  passed: boolean
  /** What a reader is told first: `incomplete` whenever the run did not end as planned. */
  outcome: 'passed' | 'failed' | 'incomplete' | 'no-budgets'
  budgetsFailed: number
  budgetsNotJudged: number
  findingsCritical: number
  end: RunEnd
  journeys: { ended: number; failed: number }
  bottleneck: VerdictBottleneck | null
  /** The verdict in one plain sentence (rendered by report/verdict-text.ts when the analysis is written). */
  sentence: string
}

/** Journeys that threw, by journey, place in the user's code and message. */
export interface JourneyErrorSummary {
  journey: string
  message: string
  location?: string
  count: number
  /** Second of the first occurrence. */
  firstSec: number
}

export type Severity = 'critical' | 'warning' | 'info'

/** The charts of the report a finding's evidence can point at: latency, load, active learners, errors, and the resource panels. */
export type EvidenceChart = 'latency' | 'load' | 'active' | 'errors' | 'res-cpu' | 'res-memory' | 'res-loop' | 'res-pool' | 'res-cache' | 'res-upstream' | 'res-db' | 'res-network' | 'res-generator'

export interface Finding {
  id: string
  severity: Severity
  title: string
  explanation: string
  evidence: {
    /** The report's chart that shows this evidence (the report never reads `metric` to choose it). */
    chart: EvidenceChart
    /** What was measured, in words, for people. */
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
  /** `trust`: about the measurement (generator, dropped arrivals, model), never a bottleneck of the target. */
  category: 'bottleneck' | 'trust'
}

/**
 * What one finding rule concluded: a finding, nothing to report, or no judgement for want of data
 * (so "healthy" can be told from "could not judge", like Clinic Doctor's data verdict).
 */
export type RuleResult =
  | { id: string; category: 'bottleneck' | 'trust'; status: 'found' | 'clear' }
  | { id: string; category: 'bottleneck' | 'trust'; status: 'not-evaluated'; reason: string; needs: string }

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

/** One traffic stream of a run whose scenario has streams (`defineScenario({ streams })`). */
export interface StreamSummary {
  name: string
  model: 'open' | 'closed'
  /** When the stream's profile started, seconds from the start of the run. */
  startAfterSec: number
  journeys: string[]
  arrivals: { planned: number; started: number; dropped: number; peakActive: number }
  /** The stream's requests over all its endpoints. */
  overall: EndpointSummary
  /** The stream's endpoints, busiest first. */
  endpoints: EndpointSummary[]
  steps: Array<{ name: string; count: number; failed: number; durationMs: LatencySummary | undefined }>
  checks: Array<{ label: string; pass: number; fail: number; passRate: number }>
  /** The first to the last of the stream's busy seconds: requests (5 s average) at half their peak or more. */
  busy: { startSec: number; endSec: number } | null
  series: Pick<Series, 'arrivalsPlanned' | 'arrivalsStarted' | 'arrivalsDropped' | 'active' | 'throughput' | 'errors' | 'p95'>
  /**
   * What each other stream's busy seconds did to this stream: its p95 in the seconds the other was
   * busy and in the rest (`ratio` = during / outside; null without requests on either side). Only
   * streams busy in a burst (at most half the run's seconds) are set against: a steady stream has
   * no "outside" to compare with.
   */
  interference: StreamInterference[]
}

export interface StreamInterference {
  /** The other stream. */
  by: string
  during: { requests: number; p95Ms: number | null }
  outside: { requests: number; p95Ms: number | null }
  ratio: number | null
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
    end: RunEnd
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
  verdict: Verdict
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  steps: Array<{ name: string; count: number; failed: number; durationMs: LatencySummary | undefined }>
  checks: Array<{ label: string; pass: number; fail: number; passRate: number }>
  journeys: Array<{ name: string; started: number; completed: number; failed: number; interrupted: number }>
  /** Journeys that threw, most frequent first. */
  journeyErrors: JourneyErrorSummary[]
  arrivals: { planned: number; started: number; dropped: number; achievedRatio: number | null; startLagMs: LatencySummary | undefined; /** Most learners active in one second. */ peakActive: number }
  windows: Window[]
  /** Latency percentile spectrum (ms) of the whole run and of each endpoint, for HdrHistogram-style plots. */
  spectrum: { overall: SpectrumPoint[]; endpoints: Record<string, SpectrumPoint[]> }
  budgets: BudgetResult[]
  findings: Finding[]
  /** Every rule's result, in rule order: found, clear, or not evaluated with the reason. */
  rules: RuleResult[]
  /** A capacity ladder's section (analyze/capacity/ladder.ts LadderSection), from what run.json records of the ladder. */
  capacity?: unknown
  series: Series
  /** Per traffic stream, in the scenario's order: present when the scenario has `streams`. */
  streams?: StreamSummary[]
  trust: {
    generatorSaturated: boolean
    droppedArrivals: number
    closedModel: boolean
    /** The run did not end as planned (run.end.reason is not `completed`). */
    incomplete: boolean
    /**
     * A run merged from shards (`lmsload merge`): how many, the machines, how their clocks were
     * measured and how far apart the farthest two may have been (at most) or were shown to be (proven).
     */
    shards?: { count: number; hosts: string[]; clock: 'date-header' | 'clock-url'; skewAtMostMs: number; skewProvenMs: number }
  }
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

// The drill's part of analysis.json is typed here, apart from drill.json's (record/layout/drill-json.ts):
// analyze/drill.ts copies field by field, so a change to the recorded file cannot change this contract unnoticed.
export interface DrillMomentSummary {
  /** Seconds from the run's start. */
  atSec: number
  /** What was done, in words. */
  how: string
}

export interface DrillSummary {
  kill: DrillMomentSummary
  restore?: DrillMomentSummary & { durationSec: number }
  restart?: DrillMomentSummary
  /** The first probe answered after the kill. */
  recovered?: { atSec: number }
  /** From the kill to that answer, seen by the client; null when the target never came back. */
  rtoSec: number | null
  /** The recovery probe: [seconds from the start, 1 answered / 0 not] every intervalMs. */
  probe: { url: string; intervalMs: number; timeline: Array<[number, 0 | 1]> }
  writes?: {
    verifier: string
    acknowledged: number
    checked: number
    lost: number
    lostSample: Array<{ kind: string; key: string; expected: string | number | null; found: string | number | null; t: number }>
    rpoSec: number
  }
  problems: string[]
  /** Requests that failed (no HTTP answer, or an unexpected status) from the kill to the recovery (or the run's end). */
  failedDuringOutage: number
  /** Requests that ended in that window, answered or not. */
  requestsDuringOutage: number
}
