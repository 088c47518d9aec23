import type { Analysis, BudgetResult, Finding, RunEnd, Verdict, VerdictBottleneck } from './analysis.ts'
import { isCeiling } from '../core/budget-rule.ts'
import { gates } from './budgets/evaluate.ts'
import type { RecordedRun } from '../record/reader.ts'
import { endReasonOfStatus } from '../record/layout/run-json.ts'

/** How the run ended: run.json's `end`, or (runs recorded before it existed) its status. */
export function runEndOf(run: RecordedRun, seconds: number): RunEnd {
  const plannedSec = Math.round(run.run.plan.durationMs / 1000)
  const recorded = run.run.end
  if (recorded && run.run.status !== 'running') return { reason: recorded.reason, ...(recorded.detail ? { detail: recorded.detail } : {}), atSec: seconds, plannedSec }
  const status = run.run.status
  const reason = status === 'running' ? 'killed' : endReasonOfStatus(status)
  return { reason, ...(run.run.result?.failure ? { detail: run.run.result.failure } : {}), atSec: seconds, plannedSec }
}

const LATENCY_UNITS = new Set(['ms'])
const ERROR_METRICS = new Set(['errors', 'checks', 'failed'])
const ERROR_FINDINGS = new Set(['error-burst', 'connection-failures'])

/**
 * The headline cause, derived from what the finding accounts for and what the budgets judge
 * (docs/analysis.md, "The first bottleneck"): a latency cause is named when it takes more than half
 * of request time (more than all others together), or when removing its share would bring the worst
 * failing latency budget within its limit (impact ≥ (measured − limit) / measured); an error cause
 * when an error, check or journey budget failed or its own rule judged it critical. Otherwise the
 * largest contributor is reported as `minor`, with its share. Trust findings are never a bottleneck.
 */
export function bottleneckOf(findings: readonly Finding[], budgets: readonly BudgetResult[]): VerdictBottleneck | null {
  const causes = findings.filter((f) => f.category !== 'trust')
  if (causes.length === 0) return null
  const failedLatency = budgets.filter((b) => b.verdict.kind === 'failed' && LATENCY_UNITS.has(b.unit) && b.measured !== null && b.measured > 0 && isCeiling(b.op))
  const overrun = failedLatency.reduce((m, b) => Math.max(m, (b.measured! - b.limit) / b.measured!), 0)
  const errorBudgetFailed = budgets.some((b) => b.verdict.kind === 'failed' && ERROR_METRICS.has(b.metric))
  for (const f of causes) {
    const pick = (why: VerdictBottleneck['why']) => ({ id: f.id, title: f.title, severity: f.severity, impact: f.impact, why })
    if (ERROR_FINDINGS.has(f.id)) {
      if (errorBudgetFailed || f.severity === 'critical') return pick('errors')
      continue
    }
    if (f.impact > 0.5) return pick('dominant')
    if (failedLatency.length > 0 && f.impact >= overrun) return pick('explains-overrun')
  }
  const largest = causes[0]!
  return { id: largest.id, title: largest.title, severity: largest.severity, impact: largest.impact, why: 'minor' }
}

/** The verdict as data: the gate, what to say first, and the evidence behind it. Sentences are report/'s. */
export function verdictOf(a: Omit<Analysis, 'verdict'>, end: RunEnd): Verdict {
  const failed = a.budgets.filter((b) => b.verdict.kind === 'failed').length
  const notJudged = a.budgets.filter((b) => b.verdict.kind === 'not-judged').length
  const ended = a.journeys.reduce((n, j) => n + j.completed + j.failed, 0)
  const failedJourneys = a.journeys.reduce((n, j) => n + j.failed, 0)
  // Whatever the budgets allow, a run in which most journeys threw is never a pass.
  const mostlyCrashed = ended > 0 && failedJourneys * 2 > ended
  const passed = !a.budgets.some(gates) && !mostlyCrashed
  const outcome: Verdict['outcome'] = end.reason !== 'completed' ? 'incomplete' : !passed ? 'failed' : a.budgets.every((b) => b.source === 'default') ? 'no-budgets' : 'passed'
  return {
    passed, outcome, budgetsFailed: failed, budgetsNotJudged: notJudged,
    findingsCritical: a.findings.filter((f) => f.severity === 'critical' && f.category !== 'trust').length,
    end, journeys: { ended, failed: failedJourneys }, bottleneck: bottleneckOf(a.findings, a.budgets), sentence: '',
  }
}
