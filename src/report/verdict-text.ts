import type { Analysis, BudgetResult, JourneyErrorSummary, RunEnd } from '../analyze/analysis.ts'
import { count, measured, ms, pct, rate } from './format.ts'

// Every verdict sentence of every writer, rendered from the typed verdicts in analysis.json
// (budgets[].verdict, verdict, capacity). Writers never assemble verdicts from other sentences.

const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`

/** The short status word of a budget: pass, FAIL, or NOT JUDGED. */
export function budgetStatus(b: BudgetResult): 'pass' | 'FAIL' | 'NOT JUDGED' {
  return b.verdict.kind === 'passed' ? 'pass' : b.verdict.kind === 'failed' ? 'FAIL' : 'NOT JUDGED'
}

const NEVER_SEEN = { endpoint: 'the run never called this endpoint', step: 'the run never ran this step', check: 'the run never made this check', journey: 'the run never started this journey' } as const

/** Why a budget was not judged, in a few words (no prefix, no gate note): the clause every writer composes. */
function notJudgedReason(b: BudgetResult): string {
  const v = b.verdict
  if (v.kind !== 'not-judged') return ''
  if (v.reason === 'never-seen') return `${NEVER_SEEN[v.targetKind]}${v.closest ? ` (did you mean '${v.closest}'?)` : ''}`
  if (v.reason === 'generator-saturated') return `measured ${measured(b.measured, b.unit)} while the load generator saturated (its own delays are in it; give it more cores or workers)`
  return b.metric === 'failed' ? 'no journey ended' : b.unit === 'ms' ? 'no response was timed' : 'nothing was measured'
}

/** What was measured against a budget, or why it was not judged, in a few words. */
export function budgetDetail(b: BudgetResult): string {
  const v = b.verdict
  switch (v.kind) {
    case 'passed':
      return `measured ${measured(b.measured, b.unit)}`
    case 'failed':
      if (v.cause === 'offered-load') {
        return `measured ${measured(b.measured, b.unit)}: the scenario offered only ${rate(v.offeredPerSec)} requests/s and every one was served, so the platform was never asked for more; raise the load (--scale) to test this floor`
      }
      return `measured ${measured(b.measured, b.unit)}`
    default:
      return `not judged: ${notJudgedReason(b)}${v.gates ? '; this fails the gate' : ''}`
  }
}

/** One journey error as a line: `12× exam: l.gett is not a function (scenarios/exam.ts:12)`. */
export function journeyErrorLine(e: JourneyErrorSummary): string {
  return `${count(e.count)}× ${e.journey}: ${e.message}${e.location ? ` (${e.location})` : ''}`
}

/** How the run ended, when not as planned. */
export function endSentence(end: RunEnd): string | undefined {
  const when = `after ${end.atSec} of ${end.plannedSec} s`
  switch (end.reason) {
    case 'completed':
      return undefined
    case 'interrupted':
      return `The run was interrupted${end.detail ? ` (${end.detail})` : ''} ${when}: everything below covers only what ran`
    case 'stopped-by-budget':
      return `The run was stopped by ${end.detail ?? 'a budget'} ${when}`
    case 'failed':
      return `The run failed ${when}${end.detail ? ` (${end.detail})` : ''}: everything below covers only what ran`
    default:
      return `The run was cut off ${when} and never recorded its end: everything below covers it up to its last whole second`
  }
}

function budgetsClause(a: Analysis): string {
  const own = a.budgets.filter((b) => b.source !== 'default')
  const failed = a.budgets.filter((b) => b.verdict.kind === 'failed')
  const unjudged = a.budgets.filter((b) => b.verdict.kind === 'not-judged' && b.verdict.gates)
  if (own.length === 0 && failed.length === 0 && unjudged.length === 0) {
    return `No budgets were set${a.budgets.some((b) => b.source === 'default' && b.verdict.kind === 'passed') ? ' (no more than 1 % of journeys threw: the default journey budget held)' : ''}`
  }
  const parts: string[] = []
  const passed = a.budgets.filter((b) => b.verdict.kind === 'passed').length
  const idle = a.budgets.filter((b) => b.verdict.kind === 'not-judged' && !b.verdict.gates)
  const idleNote = idle.length ? ` (${idle.map((b) => `${b.source === 'default' ? 'the default journey budget' : `${b.target} ${b.rule}`}: ${notJudgedReason(b)}`).join('; ')})` : ''
  if (failed.length === 0 && unjudged.length === 0) parts.push(passed === 0 ? `No budget could be judged${idleNote}` : `${passed === 1 ? 'The one budget judged was' : `All ${count(passed)} budgets were`} met${idle.length ? `, ${count(idle.length)} not judged${idleNote}` : ''}`)
  if (failed.length > 0) {
    const worst = [...failed].sort((x, y) => (x.margin ?? -Infinity) - (y.margin ?? -Infinity))[0]!
    parts.push(`${count(failed.length)} of ${count(a.budgets.length)} budgets failed (worst: ${worst.target} ${worst.rule}, ${budgetDetail(worst)})`)
  }
  if (unjudged.length > 0) {
    const names = [...new Set(unjudged.map((b) => `'${b.target}'`))].join(', ')
    parts.push(`${plural(unjudged.length, 'budget')} could not be judged (${names}: ${notJudgedReason(unjudged[0]!)}), which fails the gate`)
  }
  return parts.join('; ')
}

function journeysClause(a: Analysis): string | undefined {
  const { ended, failed } = a.verdict.journeys
  if (failed === 0) return undefined
  const first = a.journeyErrors[0]
  return `${count(failed)} of ${plural(ended, 'journey')} that ended threw an error${first ? ` (most often: ${first.message}${first.location ? ` at ${first.location}` : ''})` : ''}`
}

function loadClause(a: Analysis): string {
  const requests = plural(a.overall.count, 'request')
  const who = a.arrivals.started > 0 ? `${plural(a.arrivals.started, 'learner')} made ${requests}` : `${requests} ${a.overall.count === 1 ? 'was' : 'were'} made`
  return who + (a.overall.latencyMs ? ` (p95 ${ms(a.overall.latencyMs.p95)}, ${pct(a.overall.errorRate)} errors)` : '')
}

/** The first bottleneck, only when the evidence says it mattered (analyze/verdict.ts bottleneckOf). */
export function bottleneckClause(a: Analysis): string {
  const b = a.verdict.bottleneck
  if (!b) return 'no bottleneck stood out'
  const title = `${b.title.charAt(0).toLowerCase()}${b.title.slice(1)}`
  if (b.why === 'minor') return `no single cause mattered to the budgets (the largest, ${b.id}, accounts for ${pct(b.impact, 0)} of request time)`
  if (b.why === 'errors') return `the first bottleneck: ${title}`
  return `the first bottleneck: ${title} (${pct(b.impact, 0)} of request time)`
}

/** The verdict in one plain sentence: how the run ended, budgets, crashes, load, first bottleneck. */
export function verdictSentence(a: Analysis): string {
  const parts = [endSentence(a.verdict.end), budgetsClause(a), journeysClause(a), loadClause(a), bottleneckClause(a)].filter((p): p is string => p !== undefined)
  // One sentence: only its first clause starts with a capital ("…; all 4 budgets were met; …").
  return `${parts.map((p, i) => (i === 0 ? p : `${p.charAt(0).toLowerCase()}${p.slice(1)}`)).join('; ')}.`
}

/** The title line of summary.md and the report badge. */
export function outcomeBadge(a: Analysis): { state: 'pass' | 'fail' | 'none' | 'incomplete'; text: string; emoji: string } {
  const failed = a.budgets.filter((b) => b.verdict.kind === 'failed').length
  const unjudged = a.budgets.filter((b) => b.verdict.kind === 'not-judged' && b.verdict.gates).length
  const budgets = `${failed} of ${a.budgets.length} budgets failed${unjudged ? `, ${unjudged} not judged` : ''}`
  switch (a.verdict.outcome) {
    case 'incomplete':
      return { state: 'incomplete', text: `incomplete run (${a.verdict.end.reason})${failed + unjudged ? `, ${budgets}` : ''}`, emoji: '⚠️' }
    case 'failed':
      return { state: 'fail', text: failed + unjudged ? budgets : 'most journeys failed', emoji: '❌' }
    case 'no-budgets':
      return { state: 'none', text: 'no budgets set', emoji: 'ℹ️' }
    default:
      return { state: 'pass', text: 'budgets met', emoji: '✅' }
  }
}
