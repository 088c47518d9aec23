import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { FILES } from '../record/layout/files.ts'
import { writeRunFile } from '../record/layout/side-files.ts'
import { printBudgetRule, type BudgetRule } from '../core/budget-rule.ts'
import { EXIT, UserError } from '../core/errors.ts'
import { parseLoadCsv } from '../analyze/capacity/csv.ts'
import { parseSlo, type LadderCapacity, type LadderSection } from '../analyze/capacity/ladder.ts'
import type { LadderSpec } from '../record/layout/run-json.ts'
import { gates } from '../analyze/budgets/evaluate.ts'
import { planCapacity, type CapacityPlan } from '../analyze/capacity/plan.ts'
import { searchScale, type SearchResult } from '../analyze/capacity/search.ts'
import { fitUsl, type UslFit } from '../analyze/capacity/usl.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { ladderStream, peakRate, shapeLoad } from '../scenario/shape.ts'
import { resolveScenario } from './scenarios.ts'
import { BudgetWatch } from './budget-watch.ts'
import { runScenario, StopByBudget, type RunHooks, type RunRequest } from './run.ts'


/** `lmsload capacity fit`: the USL on a CSV of load and throughput. */
export function fitCsv(file: string): UslFit {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UserError('LMSLOAD_CSV', `--input: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
  return fitUsl(parseLoadCsv(text, file))
}

export interface PlanOptions {
  currentPeak?: number
  growthPerYear?: number
}

export interface LadderRequest extends Omit<RunRequest, 'shape'> {
  slo: string
  errorBudget: number
  from?: number
  to?: number
  steps: number
  holdMs: number
  plan: PlanOptions
  /** The stream to ramp in a scenario with several open streams (the others are held at their average). */
  stream?: string
}

export interface LadderOutcome {
  dir: string
  capacity: LadderCapacity
  plan: CapacityPlan | null
  exitCode: number
}

/** Ladder mode: steady steps of the scenario's journey mix until the SLO breaks; per step, the USL and the knee. */
export async function capacityLadder(req: LadderRequest, hooks: RunHooks): Promise<LadderOutcome> {
  const slo = parseSlo(req.slo)
  const scenario = await importScenario(resolveScenario(req.scenarioFile))
  const ramped = ladderStream(scenario, req.stream)
  const peak = peakRate(shapeLoad(scenario, {}).streams.find((s) => s.name === ramped.name)!.arrival!)
  const to = req.to ?? Math.max(2, Math.ceil(peak * 2))
  const from = req.from ?? Math.max(0.5, to / req.steps)
  if (!(to > from)) throw new UserError('LMSLOAD_USAGE', `capacity ladder: --to (${to}) must be above --from (${from})`)
  const own = new AbortController()
  const signal = AbortSignal.any([hooks.signal, own.signal])
  // The SLO watch: each second's p95 and error rate (a window of one second), and the ladder stops
  // once the SLO has been broken for a third of a step: higher steps would only measure a queue.
  const errorRule: BudgetRule = { text: `errors <= ${req.errorBudget}`, metric: 'errors', op: '<=', limit: req.errorBudget, unit: 'ratio' }
  const watch = new BudgetWatch([{
    label: `the SLO ${slo.text}`, target: 'overall', rules: [slo, errorRule], delaySec: 0, windowSec: 1, forSec: Math.max(5, Math.round(req.holdMs / 3000)),
  }], (broken) => {
    hooks.onNotice?.('the SLO broke for a third of a step: stopping the ladder')
    own.abort(new StopByBudget(broken.label))
  })
  // run.json records the ladder, so the analysis (this one, and any `lmsload analyze` of the run) computes its capacity.
  const spec: LadderSpec = { mode: 'ladder', slo: slo.text, errorBudget: req.errorBudget, from, to, steps: req.steps, holdMs: req.holdMs, plan: req.plan, ...(scenario.streamed ? { stream: ramped.name } : {}) }
  const outcome = await runScenario({ ...req, shape: { ladder: { from, to, steps: req.steps, holdMs: req.holdMs, ...(req.stream !== undefined ? { stream: req.stream } : {}) } }, capacity: spec }, { ...hooks, signal, sink: watch })
  const { plan, ...capacity } = outcome.analysis.capacity as LadderSection
  const interrupted = hooks.signal.aborted
  return { dir: outcome.dir, capacity, plan, exitCode: interrupted ? EXIT.interrupted : capacity.capacity ? EXIT.ok : EXIT.gateFailed }
}

export interface SearchRequest extends Omit<RunRequest, 'shape' | 'out'> {
  slo: string
  errorBudget: number
  start: number
  precision: number
  maxTrials: number
  durationMs?: number
  out: string
  plan: PlanOptions
}

export interface TrialEvidence {
  learners: number
  dir: string
  p95Ms: number | null
  errorRate: number
  failedBudgets: string[]
  topFinding: string | null
}

export interface SearchOutcome {
  dir: string
  result: SearchResult<TrialEvidence>
  scenarioLearners: number
  bestLearners: number | null
  plan: CapacityPlan | null
  exitCode: number
}

/**
 * Search mode: the largest --scale of a (spiky) scenario that keeps its budgets and the SLO, by
 * doubling then bisection over short trials; each trial keeps its run directory as evidence.
 */
export async function capacitySearch(req: SearchRequest, hooks: RunHooks): Promise<SearchOutcome> {
  const slo = parseSlo(req.slo)
  const scenario = await importScenario(resolveScenario(req.scenarioFile))
  const learners = shapeLoad(scenario, req.durationMs !== undefined ? { durationMs: req.durationMs } : {}).learners
  mkdirSync(req.out, { recursive: true })
  let n = 0
  const result = await searchScale<TrialEvidence>(async (scale) => {
    if (hooks.signal.aborted) return { passed: false, evidence: { learners: 0, dir: '', p95Ms: null, errorRate: 0, failedBudgets: ['interrupted'], topFinding: null } }
    n++
    const dir = path.join(req.out, `trial-${n}-scale-${scale.toFixed(3)}`)
    hooks.onNotice?.(`trial ${n}: scale ${scale.toFixed(3)} (${Math.round(learners * scale)} learners)`)
    const outcome = await runScenario({
      ...req, out: dir,
      shape: { scale, ...(req.durationMs !== undefined ? { durationMs: req.durationMs } : {}) },
      extraBudgets: { budgets: { overall: [slo.text, printBudgetRule({ metric: 'errors', op: '<=', limit: req.errorBudget, unit: 'ratio' })] }, where: '--slo' },
    }, hooks)
    const a = outcome.analysis
    // Budgets the trial could not judge (an endpoint a short --duration never reaches) say nothing
    // about capacity: a smaller scale would not reach it either. Stop at once and say which.
    const gating = a.budgets.filter(gates)
    if (gating.length > 0 && gating.every((b) => b.verdict.kind === 'not-judged' && b.verdict.reason !== 'generator-saturated')) {
      const targets = [...new Set(gating.map((b) => `'${b.target}'`))].join(', ')
      throw new UserError('LMSLOAD_USAGE', `capacity search: ${req.durationMs !== undefined ? `with --duration ${Math.round(req.durationMs / 1000)}s ` : ''}the trial never exercised ${targets}, so ${gating.length === 1 ? 'its budget' : 'their budgets'} cannot be judged at any scale; run longer (--duration) or leave ${gating.length === 1 ? 'it' : 'them'} out (trial in ${dir})`)
    }
    const evidence: TrialEvidence = {
      learners: a.arrivals.started, dir, p95Ms: a.overall.latencyMs?.p95 ?? null, errorRate: a.overall.errorRate,
      failedBudgets: a.budgets.filter((b) => !b.passed).map((b) => `${b.target}: ${b.rule}`), topFinding: a.findings[0]?.id ?? null,
    }
    return { passed: a.verdict.passed && outcome.status === 'completed', evidence }
  }, { start: req.start, precision: req.precision, maxTrials: req.maxTrials, minScale: 0.001 })
  const bestLearners = result.bestScale === null ? null : Math.round(learners * result.bestScale)
  // The largest scale kept is a limit only when a larger one failed; otherwise a floor.
  const plan = bestLearners !== null ? planCapacity(bestLearners, `learners in one ${scenario.name}`, result.failedScale !== null ? 'limit' : 'at-least', { ...req.plan, raise: 'raise --max-trials' }) : null
  writeRunFile(req.out, FILES.capacity, { schema: 'lmsload.capacity/1', mode: 'search', scenario: scenario.name, slo: slo.text, errorBudget: req.errorBudget, scenarioLearners: learners, bestLearners, ...result, plan })
  return { dir: req.out, result, scenarioLearners: learners, bestLearners, plan, exitCode: hooks.signal.aborted ? EXIT.interrupted : bestLearners !== null ? EXIT.ok : EXIT.gateFailed }
}
