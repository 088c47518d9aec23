import { parseBudgetRule, ruleHolds, type BudgetRule } from '../../core/budget-rule.ts'
import { UserError } from '../../core/errors.ts'
import type { Analysis, LatencySummary } from '../analysis.ts'
import type { LadderSpec } from '../../record/layout/run-json.ts'
import { planCapacity, type CapacityPlan } from './plan.ts'
import { fitUsl, uslThroughput, type UslFit } from './usl.ts'

const LATENCY_METRICS = new Set(['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'])

/** An SLO like 'p95<800ms': a latency ceiling on the whole run (`where` names the flag or field). */
export function parseSlo(text: string, where = '--slo'): BudgetRule {
  const rule = parseBudgetRule(text, where)
  if (!LATENCY_METRICS.has(rule.metric) || (rule.op !== '<' && rule.op !== '<=')) {
    throw new UserError('LMSLOAD_USAGE', `${where}: expected a latency ceiling like 'p95<800ms', got '${text}'`)
  }
  return rule
}


/**
 * What a ladder can say, typed: a limit (a higher step broke the SLO), a floor (every step held),
 * over the SLO from its first step, or nothing for want of steady steps (with the reason).
 */
export type LadderVerdict =
  | { kind: 'limit' | 'floor' }
  | { kind: 'over-slo-from-first-step'; firstStep: { arrivalRatePerSec: number; p95Ms: number | null; errorRate: number } }
  | { kind: 'too-few-steps'; steadySteps: number; reason: string }

export interface CapacityStep {
  /** The planned stage (0-based) in run.json. */
  stage: number
  startSec: number
  endSec: number
  arrivalRatePerSec: number
  throughputPerSec: number
  /** Requests in flight (Little's law: throughput × mean latency). */
  concurrency: number
  activeLearners: number
  errorRate: number
  latencyMs: LatencySummary | undefined
  /** Mean CPU share of the target's cores in the step, when sampled. */
  targetCpuRatio: number | null
  meetsSlo: boolean
}

export interface LadderCapacity {
  mode: 'ladder'
  /** The SLO as written and as parsed (a latency ceiling: `parseSlo` refuses anything else), so no reader parses it again. */
  slo: { rule: string; errorBudget: number; metric: string; op: '<' | '<='; limitMs: number }
  steps: CapacityStep[]
  /** USL over concurrency (N = requests in flight) and throughput, when at least 4 steps held. */
  usl: UslFit | null
  /** The fitted USL drawn from 0 to 1.25 × the largest N seen (or N*): 61 points for charts. */
  uslCurve: Array<{ n: number; x: number }>
  /** The last step before latency bends up (p95 more than twice the first steps'). */
  knee: { stepIndex: number; throughputPerSec: number; p95Ms: number } | null
  /** The highest step meeting the SLO and error budget, in the planner's unit; null when no step did. */
  capacity: LadderLimit | null
  verdict: LadderVerdict
}

/** The capacity section of a ladder run's analysis: the ladder's capacity and its plan. */
export type LadderSection = LadderCapacity & { plan: CapacityPlan | null }

/**
 * A ladder's capacity. The unit is the rate of arriving learners: what an open model controls and a
 * planner can compare with today's peak (learners starting a session per second). With it, the
 * requests per second and the requests in flight (Little's law) at that step; learners inside
 * journeys only when journeys finished during the run (otherwise that count only grows with the hold).
 */
export interface LadderLimit {
  arrivalRatePerSec: number
  throughputPerSec: number
  requestsInFlight: number
  /** null when most journeys did not finish (the count would measure the hold, not the platform). */
  concurrentLearners: number | null
  /** `limit`: a higher step broke the SLO; `at-least`: the SLO held at every step tried. */
  bound: 'limit' | 'at-least'
}

/** The unit of a ladder's capacity, for every sentence that states it. */
export const LADDER_UNIT = 'learners arriving per second'

function meets(latency: LatencySummary | undefined, slo: BudgetRule): boolean {
  if (!latency) return false
  const v = latency[slo.metric as keyof LatencySummary]
  if (v === undefined) return false
  return ruleHolds(slo.op, v, slo.limit)
}

/** Per-step capacity of a ladder run from its planned steps (less their warm-up): SLO, knee, USL. Pure. */
export function ladderCapacity(analysis: Analysis, slo: BudgetRule, errorBudget: number, stream?: string): LadderCapacity {
  // A ladder on one stream of several counts that stream's arrivals only (the held streams' are not the step's).
  const own = stream === undefined ? undefined : analysis.streams?.find((s) => s.name === stream)?.series.arrivalsStarted
  const rateOf = (w: { startSec: number; endSec: number; arrivalRatePerSec: number }) =>
    own ? own.slice(w.startSec, w.endSec).reduce((a, b) => a + b, 0) / Math.max(1, w.endSec - w.startSec) : w.arrivalRatePerSec
  const cpuSource = Object.entries(analysis.series.resources).find(([k]) => k === 'target:process' || k.startsWith('process:'))?.[1]?.cpu_ratio
    ?? Object.entries(analysis.series.resources).find(([k]) => k === 'target' || k.startsWith('metrics:'))?.[1]?.cpu_ratio
  // The windows of a staircase come from its plan (stats/windows.ts plannedWindows): one steady window per step.
  const steps: CapacityStep[] = analysis.windows
    .filter((w): w is typeof w & { stage: number } => w.kind === 'steady' && w.stage !== undefined)
    .map((w) => {
      const cpu = cpuSource?.slice(w.startSec, w.endSec).filter((v): v is number => v !== null) ?? []
      return {
        stage: w.stage, startSec: w.startSec, endSec: w.endSec, arrivalRatePerSec: rateOf(w), throughputPerSec: w.throughputPerSec,
        concurrency: w.concurrency, activeLearners: w.activeLearners, errorRate: w.errorRate, latencyMs: w.latencyMs,
        targetCpuRatio: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : null,
        meetsSlo: meets(w.latencyMs, slo) && w.errorRate <= errorBudget,
      }
    })
  let usl: UslFit | null = null
  const points = steps.filter((s) => s.concurrency > 0 && s.throughputPerSec > 0).map((s) => ({ n: s.concurrency, x: s.throughputPerSec }))
  if (points.length >= 4) {
    try {
      usl = fitUsl(points)
    } catch {
      usl = null
    }
  }
  let knee: LadderCapacity['knee'] = null
  const p95s = steps.map((s) => s.latencyMs?.p95 ?? Infinity)
  if (steps.length >= 3) {
    const base = Math.min(p95s[0]!, p95s[1]!)
    const bend = p95s.findIndex((p) => p > 2 * base)
    if (bend > 0) knee = { stepIndex: bend - 1, throughputPerSec: steps[bend - 1]!.throughputPerSec, p95Ms: p95s[bend - 1]! }
  }
  const passing = steps.filter((s) => s.meetsSlo)
  const best = [...passing].sort((a, b) => b.arrivalRatePerSec - a.arrivalRatePerSec)[0]
  // A floor unless a higher step broke the SLO (or the SLO watch stopped the ladder).
  const broke = analysis.run.end?.reason === 'stopped-by-budget' || steps.some((s) => !s.meetsSlo && (!best || s.arrivalRatePerSec > best.arrivalRatePerSec))
  // Little's law for learners needs journeys that end: with most interrupted, "active" only grows.
  const started = analysis.journeys.reduce((n, j) => n + j.started, 0)
  const ended = analysis.journeys.reduce((n, j) => n + j.completed + j.failed, 0)
  const journeysEnd = started > 0 && ended * 2 >= started
  const maxN = Math.max(...points.map((p) => p.n), usl?.peakN ?? 0) * 1.25
  const uslCurve = usl ? Array.from({ length: 61 }, (_, i) => ({ n: (maxN * i) / 60, x: uslThroughput(usl!, (maxN * i) / 60) })) : []
  let verdict: LadderVerdict
  if (best) verdict = { kind: broke ? 'limit' : 'floor' }
  else if (steps.length === 0) {
    const ran = analysis.run.durationSec
    verdict = { kind: 'too-few-steps', steadySteps: 0, reason: `no step held steady: the run ${analysis.run.end && analysis.run.end.reason !== 'completed' ? `ended (${analysis.run.end.reason}) ` : 'ended '}after ${ran} s, before the first step's warm-up was over` }
  } else {
    const first = steps[0]!
    verdict = { kind: 'over-slo-from-first-step', firstStep: { arrivalRatePerSec: first.arrivalRatePerSec, p95Ms: first.latencyMs?.p95 ?? null, errorRate: first.errorRate } }
  }
  return {
    mode: 'ladder', slo: { rule: slo.text, errorBudget, metric: slo.metric, op: slo.op as '<' | '<=', limitMs: slo.limit }, steps, usl, uslCurve, knee,
    capacity: best
      ? { arrivalRatePerSec: best.arrivalRatePerSec, throughputPerSec: best.throughputPerSec, requestsInFlight: best.concurrency, concurrentLearners: journeysEnd ? best.activeLearners : null, bound: broke ? 'limit' : 'at-least' }
      : null,
    verdict,
  }
}

const rate = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(3)).toString())

/** The ladder's capacity and plan from an analysed ladder run and what run.json recorded of the ladder. Pure. */
export function ladderSection(analysis: Analysis, spec: LadderSpec): LadderSection {
  const capacity = ladderCapacity(analysis, parseSlo(spec.slo, 'run.json capacity.slo'), spec.errorBudget, spec.stream)
  const c = capacity.capacity
  const detail = c ? [`${rate(c.throughputPerSec)} requests/s`, `${rate(c.requestsInFlight)} requests in flight`, ...(c.concurrentLearners !== null ? [`${rate(c.concurrentLearners)} learners in journeys at once`] : [])].join(', ') : ''
  const unit = spec.stream === undefined ? LADDER_UNIT : `learners of stream '${spec.stream}' arriving per second`
  const plan = c ? planCapacity(c.arrivalRatePerSec, unit, c.bound, { ...spec.plan, detail, raise: 'raise --to' }) : null
  return { ...capacity, plan }
}
