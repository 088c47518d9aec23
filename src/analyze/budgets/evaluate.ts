import { distance } from 'fastest-levenshtein'
import { parseBudgetRule, type BudgetRule } from '../../core/budget-rule.ts'
import type { BudgetResult, EndpointSummary, LatencySummary } from '../analysis.ts'

export type Budgets = Record<string, readonly string[]>

export interface BudgetInputs {
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  steps: Array<{ name: string; count: number; failed: number; durationMs: LatencySummary | undefined }>
  checks: Array<{ label: string; pass: number; fail: number }>
  arrivals: { planned: number; dropped: number }
  durationSec: number
}

function suggestion(name: string, known: string[]): string {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(name, k)
    if (d < bestDistance) {
      bestDistance = d
      best = k
    }
  }
  return best !== undefined && bestDistance <= Math.max(3, name.length / 3) ? ` (did you mean '${best}'?)` : ''
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

function compare(op: BudgetRule['op'], measured: number, limit: number): boolean {
  switch (op) {
    case '<':
      return measured < limit
    case '<=':
      return measured <= limit
    case '>':
      return measured > limit
    default:
      return measured >= limit
  }
}

/** Evaluates budgets against what was recorded (the run's whole duration). */
export function evaluateBudgets(budgets: Array<{ budgets: Budgets; source: BudgetResult['source']; where: string }>, inputs: BudgetInputs): BudgetResult[] {
  const endpoints = new Map(inputs.endpoints.map((e) => [e.name, e]))
  const steps = new Map(inputs.steps.map((s) => [s.name, s]))
  const checks = new Map(inputs.checks.map((c) => [c.label, c]))
  const allChecks = inputs.checks.reduce((t, c) => ({ pass: t.pass + c.pass, fail: t.fail + c.fail }), { pass: 0, fail: 0 })
  const results: BudgetResult[] = []
  for (const { budgets: set, source, where } of budgets) {
    for (const [target, rules] of Object.entries(set)) {
      let subject: Subject | undefined
      let unseen: string | undefined
      if (target === 'overall') {
        subject = { latency: inputs.overall.latencyMs, count: inputs.overall.count, errors: inputs.overall.errors, checks: allChecks }
      } else if (target.startsWith('step:')) {
        const step = steps.get(target.slice(5))
        if (step) subject = { latency: step.durationMs, count: step.count, errors: step.failed }
        else unseen = `the run has no such step${suggestion(target.slice(5), [...steps.keys()])}`
      } else if (target.startsWith('check:')) {
        const check = checks.get(target.slice(6))
        if (check) subject = { latency: undefined, count: check.pass + check.fail, errors: check.fail, checks: check }
        else unseen = `the run has no such check${suggestion(target.slice(6), [...checks.keys()])}`
      } else {
        const e = endpoints.get(target)
        if (e) subject = { latency: e.latencyMs, count: e.count, errors: e.errors }
        else unseen = `the run has no such endpoint${suggestion(target, [...endpoints.keys()])}; targets are 'overall', an endpoint ('GET /api/courses/:id'), 'step:<name>' or 'check:<label>'`
      }
      rules.forEach((text, i) => {
        const rule = parseBudgetRule(text, `${where}: budgets['${target}'][${i}]`)
        // A target the run never saw fails its budgets, never passes them: a typo must not turn a
        // gate green, and a route a short run never reached is not a pass either.
        if (!subject) {
          results.push({ target, rule: text, metric: rule.metric, op: rule.op, limit: rule.limit, measured: null, unit: rule.unit, passed: false, margin: null, source, problem: `${where}: budget target '${target}': ${unseen}` })
          return
        }
        const measured = measure(rule, subject, inputs)
        const passed = measured !== null && compare(rule.op, measured, rule.limit)
        const margin = measured === null ? null : rule.limit === 0 ? (passed ? 1 : -1) : (rule.op[0] === '<' ? rule.limit - measured : measured - rule.limit) / Math.abs(rule.limit)
        results.push({ target, rule: text, metric: rule.metric, op: rule.op, limit: rule.limit, measured, unit: rule.unit, passed, margin, source })
      })
    }
  }
  return results
}
