import { distance } from 'fastest-levenshtein'
import { isCeiling, parseBudgetRule, ruleFitsTarget, ruleHolds, splitStreamTarget, JOURNEYS_TARGET, type BudgetRule } from '../../core/budget-rule.ts'
import { UserError } from '../../core/errors.ts'
import type { BudgetResult, BudgetVerdict, EndpointSummary, LatencySummary, StreamSummary } from '../analysis.ts'

export type Budgets = Record<string, readonly string[]>

/** What budgets of one scope (the run, or one stream) are judged on. */
export interface BudgetScope {
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  steps: Array<{ name: string; count: number; failed: number; durationMs: LatencySummary | undefined }>
  checks: Array<{ label: string; pass: number; fail: number }>
  journeys: Array<{ name: string; completed: number; failed: number }>
  arrivals: { planned: number; started: number; dropped: number }
}

export interface BudgetInputs extends BudgetScope {
  durationSec: number
  model: 'open' | 'closed'
  generatorSaturated: boolean
  /** Per stream, in a run with streams: what `stream:<name> …` targets are judged on. */
  streams?: Map<string, BudgetScope & { model: 'open' | 'closed' }>
}

/** The budget scopes of a run's streams (journeys are a stream's by name). */
export function streamBudgetInputs(streams: readonly StreamSummary[], journeys: ReadonlyArray<{ name: string; completed: number; failed: number }>): NonNullable<BudgetInputs['streams']> {
  return new Map(streams.map((s) => [s.name, {
    overall: s.overall, endpoints: s.endpoints, steps: s.steps, checks: s.checks, arrivals: s.arrivals, model: s.model,
    journeys: journeys.filter((j) => s.journeys.includes(j.name)),
  }]))
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

function measure(rule: BudgetRule, subject: Subject, inputs: BudgetInputs, scope: BudgetScope & { model: 'open' | 'closed' }): number | null {
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
      return scope.arrivals.planned > 0 ? scope.arrivals.dropped / scope.arrivals.planned : null
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
function failureOf(rule: BudgetRule, measured: number, subject: Subject, inputs: BudgetInputs, scope: BudgetScope & { model: 'open' | 'closed' }): BudgetVerdict {
  const floor = !isCeiling(rule.op)
  if (inputs.generatorSaturated && (rule.unit === 'ms' || rule.metric === 'rps')) return { kind: 'not-judged', reason: 'generator-saturated', gates: true }
  const offeredAll = scope.model === 'open' && scope.arrivals.dropped === 0 && scope.arrivals.started >= scope.arrivals.planned && !inputs.generatorSaturated
  if (rule.metric === 'rps' && floor && offeredAll && (subject.count === 0 || subject.errors / subject.count <= 0.01)) {
    return { kind: 'failed', cause: 'offered-load', offeredPerSec: measured }
  }
  return { kind: 'failed', cause: 'over-limit' }
}

/** Evaluates budgets against what was recorded (the run's whole duration): one typed verdict per rule. */
export function evaluateBudgets(budgets: Array<{ budgets: Budgets; source: BudgetResult['source']; where: string }>, inputs: BudgetInputs): BudgetResult[] {
  const scopes = new Map<string | undefined, Scope>([[undefined, scopeOf(inputs, inputs.model)]])
  for (const [name, s] of inputs.streams ?? []) scopes.set(name, scopeOf(s, s.model))
  const results: BudgetResult[] = []
  for (const { budgets: set, source, where } of budgets) {
    for (const [target, rules] of Object.entries(set)) {
      const split = splitStreamTarget(target)
      const scope = scopes.get(split.stream)
      let subject: Subject | undefined
      let unseen: { targetKind: 'endpoint' | 'step' | 'check' | 'journey'; closest: string | null } | undefined
      if (!scope) {
        // A scenario's own budgets cannot name a stream it lacks (defineScenario refuses them); a budget file can.
        const names = [...scopes.keys()].filter((k): k is string => k !== undefined)
        const near = closest(split.stream!, names)
        throw new UserError('LMSLOAD_BUDGET', `${where}: budgets['${target}']: the run has no stream '${split.stream}' (${names.length ? `its streams: ${names.join(', ')}${near ? `; did you mean '${near}'?` : ''}` : 'it was not run with streams'})`)
      }
      ({ subject, unseen } = subjectOf(split.target, scope))
      rules.forEach((text, i) => {
        const at = `${where}: budgets['${target}'][${i}]`
        const rule = parseBudgetRule(text, at)
        const misfit = ruleFitsTarget(rule, target)
        if (misfit) throw new UserError('LMSLOAD_BUDGET', `${at}: '${text}': ${misfit}`)
        const base = { target, rule: text, metric: rule.metric, op: rule.op, limit: rule.limit, unit: rule.unit, source, where }
        // A target the run never saw is not judged, and still fails the gate: a typo must not turn a
        // gate green, and a route a short run never reached is not a pass either.
        if (!subject || !scope) {
          results.push({ ...base, measured: null, passed: false, margin: null, verdict: { kind: 'not-judged', reason: 'never-seen', targetKind: unseen!.targetKind, closest: unseen!.closest, gates: true } })
          return
        }
        const measured = measure(rule, subject, inputs, scope.inputs)
        if (measured === null) {
          results.push({ ...base, measured, passed: false, margin: null, verdict: { kind: 'not-judged', reason: 'no-data', gates: source !== 'default' } })
          return
        }
        const passed = ruleHolds(rule.op, measured, rule.limit)
        const margin = rule.limit === 0 ? (passed ? 1 : -1) : (rule.op[0] === '<' ? rule.limit - measured : measured - rule.limit) / Math.abs(rule.limit)
        results.push({ ...base, measured, passed, margin, verdict: passed ? { kind: 'passed' } : failureOf(rule, measured, subject, inputs, scope.inputs) })
      })
    }
  }
  return results
}

interface Scope {
  inputs: BudgetScope & { model: 'open' | 'closed' }
  endpoints: Map<string, EndpointSummary>
  steps: Map<string, BudgetScope['steps'][number]>
  checks: Map<string, BudgetScope['checks'][number]>
  journeys: Map<string, BudgetScope['journeys'][number]>
  allChecks: { pass: number; fail: number }
  allJourneys: { completed: number; failed: number }
}

function scopeOf(inputs: BudgetScope, model: 'open' | 'closed'): Scope {
  return {
    inputs: { ...inputs, model },
    endpoints: new Map(inputs.endpoints.map((e) => [e.name, e])),
    steps: new Map(inputs.steps.map((s) => [s.name, s])),
    checks: new Map(inputs.checks.map((c) => [c.label, c])),
    journeys: new Map(inputs.journeys.map((j) => [j.name, j])),
    allChecks: inputs.checks.reduce((t, c) => ({ pass: t.pass + c.pass, fail: t.fail + c.fail }), { pass: 0, fail: 0 }),
    allJourneys: inputs.journeys.reduce((t, j) => ({ completed: t.completed + j.completed, failed: t.failed + j.failed }), { completed: 0, failed: 0 }),
  }
}

/** What a target (within its scope) measures, or why it was not seen. */
function subjectOf(target: string, scope: Scope): { subject?: Subject; unseen?: { targetKind: 'endpoint' | 'step' | 'check' | 'journey'; closest: string | null } } {
  if (target === 'overall') {
    const o = scope.inputs.overall
    return { subject: { latency: o.latencyMs, count: o.count, errors: o.errors, checks: scope.allChecks } }
  }
  if (target === JOURNEYS_TARGET) return { subject: { latency: undefined, count: scope.allJourneys.completed + scope.allJourneys.failed, errors: scope.allJourneys.failed } }
  if (target.startsWith('journey:')) {
    const j = scope.journeys.get(target.slice(8))
    return j ? { subject: { latency: undefined, count: j.completed + j.failed, errors: j.failed } } : { unseen: { targetKind: 'journey', closest: closest(target.slice(8), [...scope.journeys.keys()]) } }
  }
  if (target.startsWith('step:')) {
    const step = scope.steps.get(target.slice(5))
    return step ? { subject: { latency: step.durationMs, count: step.count, errors: step.failed } } : { unseen: { targetKind: 'step', closest: closest(target.slice(5), [...scope.steps.keys()]) } }
  }
  if (target.startsWith('check:')) {
    const check = scope.checks.get(target.slice(6))
    return check ? { subject: { latency: undefined, count: check.pass + check.fail, errors: check.fail, checks: check } } : { unseen: { targetKind: 'check', closest: closest(target.slice(6), [...scope.checks.keys()]) } }
  }
  const e = scope.endpoints.get(target)
  return e ? { subject: { latency: e.latencyMs, count: e.count, errors: e.errors } } : { unseen: { targetKind: 'endpoint', closest: closest(target, [...scope.endpoints.keys()]) } }
}

/** Whether a budget result fails the gate (exit 99). */
export const gates = (b: BudgetResult): boolean => b.verdict.kind === 'failed' || (b.verdict.kind === 'not-judged' && b.verdict.gates)
