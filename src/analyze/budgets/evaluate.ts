import { distance } from 'fastest-levenshtein'
import { isCeiling, parseBudgetRule, ruleFitsTarget, ruleHolds, JOURNEYS_TARGET, type BudgetRule } from '../../core/budget-rule.ts'
import { UserError } from '../../core/errors.ts'
import type { BudgetResult, BudgetVerdict, EndpointSummary, LatencySummary } from '../analysis.ts'

export type Budgets = Record<string, readonly string[]>

export interface BudgetInputs {
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  steps: Array<{ name: string; count: number; failed: number; durationMs: LatencySummary | undefined }>
  checks: Array<{ label: string; pass: number; fail: number }>
  journeys: Array<{ name: string; completed: number; failed: number }>
  arrivals: { planned: number; started: number; dropped: number }
  durationSec: number
  model: 'open' | 'closed'
  generatorSaturated: boolean
}

function closest(name: string, known: string[]): string | null {
  let best: string | null = null
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(name, k)
    if (d < bestDistance) {
      bestDistance = d
      best = k
    }
  }
  return best !== null && bestDistance <= Math.max(3, name.length / 3) ? best : null
}

interface Subject {
  latency: LatencySummary | undefined
  count: number
  errors: number
  checks?: { pass: number; fail: number }
}

function measure(rule: BudgetRule, subject: Subject, inputs: BudgetInputs): number | null {
  switch (rule.metric) {
    case 'errors':
    case 'failed':
      return subject.count > 0 ? subject.errors / subject.count : null
    case 'rps':
      return inputs.durationSec > 0 ? subject.count / inputs.durationSec : null
    case 'count':
      return subject.count
    case 'checks': {
      const c = subject.checks
      return c && c.pass + c.fail > 0 ? c.pass / (c.pass + c.fail) : null
    }
    case 'dropped':
      return inputs.arrivals.planned > 0 ? inputs.arrivals.dropped / inputs.arrivals.planned : null
    default:
      return subject.latency ? subject.latency[rule.metric] : null
  }
}

/**
 * Why a throughput floor failed. In an open model the load is what the arrival plan offers: when
 * every planned learner started (none dropped), almost every request was answered and the generator
 * kept up, the requests per second measured are the requests offered, so a floor above them was
 * never asked of the platform. 1 % is the default journey budget's error allowance.
 */
function failureOf(rule: BudgetRule, measured: number, subject: Subject, inputs: BudgetInputs): BudgetVerdict {
  const floor = !isCeiling(rule.op)
  if (inputs.generatorSaturated && (rule.unit === 'ms' || rule.metric === 'rps')) return { kind: 'not-judged', reason: 'generator-saturated', gates: true }
  const offeredAll = inputs.model === 'open' && inputs.arrivals.dropped === 0 && inputs.arrivals.started >= inputs.arrivals.planned && !inputs.generatorSaturated
  if (rule.metric === 'rps' && floor && offeredAll && (subject.count === 0 || subject.errors / subject.count <= 0.01)) {
    return { kind: 'failed', cause: 'offered-load', offeredPerSec: measured }
  }
  return { kind: 'failed', cause: 'over-limit' }
}

/** Evaluates budgets against what was recorded (the run's whole duration): one typed verdict per rule. */
export function evaluateBudgets(budgets: Array<{ budgets: Budgets; source: BudgetResult['source']; where: string }>, inputs: BudgetInputs): BudgetResult[] {
  const endpoints = new Map(inputs.endpoints.map((e) => [e.name, e]))
  const steps = new Map(inputs.steps.map((s) => [s.name, s]))
  const checks = new Map(inputs.checks.map((c) => [c.label, c]))
  const journeys = new Map(inputs.journeys.map((j) => [j.name, j]))
  const allChecks = inputs.checks.reduce((t, c) => ({ pass: t.pass + c.pass, fail: t.fail + c.fail }), { pass: 0, fail: 0 })
  const allJourneys = inputs.journeys.reduce((t, j) => ({ completed: t.completed + j.completed, failed: t.failed + j.failed }), { completed: 0, failed: 0 })
  const results: BudgetResult[] = []
  for (const { budgets: set, source, where } of budgets) {
    for (const [target, rules] of Object.entries(set)) {
      let subject: Subject | undefined
      let unseen: { targetKind: 'endpoint' | 'step' | 'check' | 'journey'; closest: string | null } | undefined
      if (target === 'overall') {
        subject = { latency: inputs.overall.latencyMs, count: inputs.overall.count, errors: inputs.overall.errors, checks: allChecks }
      } else if (target === JOURNEYS_TARGET) {
        subject = { latency: undefined, count: allJourneys.completed + allJourneys.failed, errors: allJourneys.failed }
      } else if (target.startsWith('journey:')) {
        const j = journeys.get(target.slice(8))
        if (j) subject = { latency: undefined, count: j.completed + j.failed, errors: j.failed }
        else unseen = { targetKind: 'journey', closest: closest(target.slice(8), [...journeys.keys()]) }
      } else if (target.startsWith('step:')) {
        const step = steps.get(target.slice(5))
        if (step) subject = { latency: step.durationMs, count: step.count, errors: step.failed }
        else unseen = { targetKind: 'step', closest: closest(target.slice(5), [...steps.keys()]) }
      } else if (target.startsWith('check:')) {
        const check = checks.get(target.slice(6))
        if (check) subject = { latency: undefined, count: check.pass + check.fail, errors: check.fail, checks: check }
        else unseen = { targetKind: 'check', closest: closest(target.slice(6), [...checks.keys()]) }
      } else {
        const e = endpoints.get(target)
        if (e) subject = { latency: e.latencyMs, count: e.count, errors: e.errors }
        else unseen = { targetKind: 'endpoint', closest: closest(target, [...endpoints.keys()]) }
      }
      rules.forEach((text, i) => {
        const at = `${where}: budgets['${target}'][${i}]`
        const rule = parseBudgetRule(text, at)
        const misfit = ruleFitsTarget(rule, target)
        if (misfit) throw new UserError('LMSLOAD_BUDGET', `${at}: '${text}': ${misfit}`)
        const base = { target, rule: text, metric: rule.metric, op: rule.op, limit: rule.limit, unit: rule.unit, source, where }
        // A target the run never saw is not judged, and still fails the gate: a typo must not turn a
        // gate green, and a route a short run never reached is not a pass either.
        if (!subject) {
          results.push({ ...base, measured: null, passed: false, margin: null, verdict: { kind: 'not-judged', reason: 'never-seen', targetKind: unseen!.targetKind, closest: unseen!.closest, gates: true } })
          return
        }
        const measured = measure(rule, subject, inputs)
        if (measured === null) {
          results.push({ ...base, measured, passed: false, margin: null, verdict: { kind: 'not-judged', reason: 'no-data', gates: source !== 'default' } })
          return
        }
        const passed = ruleHolds(rule.op, measured, rule.limit)
        const margin = rule.limit === 0 ? (passed ? 1 : -1) : (rule.op[0] === '<' ? rule.limit - measured : measured - rule.limit) / Math.abs(rule.limit)
        results.push({ ...base, measured, passed, margin, verdict: passed ? { kind: 'passed' } : failureOf(rule, measured, subject, inputs) })
      })
    }
  }
  return results
}

/** Whether a budget result fails the gate (exit 99). */
export const gates = (b: BudgetResult): boolean => b.verdict.kind === 'failed' || (b.verdict.kind === 'not-judged' && b.verdict.gates)
