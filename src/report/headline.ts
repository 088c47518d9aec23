import type { Analysis } from '../analyze/analysis.ts'
import type { LadderSection } from '../analyze/capacity/ladder.ts'
import { count, ms, pct, rate } from './format.ts'
import { bottleneckClause, budgetDetail } from './verdict-text.ts'

/** The capacity section of a ladder run, when the analysis has one. */
export function ladderOf(a: Analysis): LadderSection | undefined {
  const c = a.capacity as Partial<LadderSection> | undefined
  return c && c.mode === 'ladder' && Array.isArray(c.steps) ? (c as LadderSection) : undefined
}

function learners(a: Analysis): string {
  return `${count(a.arrivals.started)} learner${a.arrivals.started === 1 ? '' : 's'} (up to ${count(a.arrivals.peakActive)} at once)`
}

/**
 * What a planner reads first: did it hold, for how many learners, and what breaks first. Every
 * number comes from analysis.json as it is.
 */
export function headline(a: Analysis): { verdict: string; capacity: string; bottleneck: string } {
  const ladder = ladderOf(a)
  let capacity: string
  if (ladder?.capacity) {
    const c = ladder.capacity
    capacity = ladder.plan
      ? `Capacity (SLO ${ladder.slo.rule}): ${ladder.plan.sentence}`
      : `Capacity (SLO ${ladder.slo.rule}): ${c.bound === 'at-least' ? 'at least ' : ''}${rate(c.arrivalRatePerSec)} learners arriving per second (${rate(c.throughputPerSec)} requests/s, ${rate(c.requestsInFlight)} requests in flight).`
  } else if (ladder?.verdict?.kind === 'too-few-steps') {
    capacity = `Capacity: the ladder cannot say: ${ladder.verdict.reason}.`
  } else if (ladder) {
    capacity = `Capacity: no step of the ladder met the SLO ${ladder.slo.rule}; the platform is over capacity at the lowest step tried.`
  } else if (a.arrivals.started === 0) {
    capacity = 'Capacity: no learner started, so nothing can be said about capacity.'
  } else if (a.verdict.outcome === 'incomplete') {
    capacity = `Capacity: the run did not run its plan to the end, so it says nothing about capacity; it carried ${learners(a)} until it ended.`
  } else if (a.verdict.journeys.failed * 2 > a.verdict.journeys.ended && a.verdict.journeys.ended > 0) {
    capacity = `Capacity: most journeys threw an error in the scenario's own code, so the platform never saw this scenario's load; fix the script and run again.`
  } else if (a.verdict.outcome === 'no-budgets') {
    capacity = `Capacity: no budgets were set, so this run cannot say how many learners fit within an SLO; it carried ${learners(a)} at p95 ${ms(a.overall.latencyMs?.p95)} with ${pct(a.overall.errorRate)} errors.`
  } else if (a.verdict.passed) {
    capacity = `Capacity: this scenario's ${learners(a)} were served within budget; that is a floor, not the limit (\`lmsload capacity\` finds the limit).`
  } else if (a.budgets.some((b) => b.verdict.kind === 'failed' && b.verdict.cause === 'over-limit' && b.source !== 'default')) {
    const first = a.budgets.find((b) => b.verdict.kind === 'failed' && b.verdict.cause === 'over-limit' && b.source !== 'default')!
    capacity = `Capacity: the platform did not carry this scenario's ${learners(a)} within budget (${first.target} ${first.rule}, ${budgetDetail(first)}).`
  } else {
    const first = a.budgets.find((b) => b.verdict.kind !== 'passed')
    capacity = `Capacity: this run cannot judge the platform${first ? ` (${first.target} ${first.rule}: ${budgetDetail(first)})` : ''}; it carried ${learners(a)}.`
  }
  const clause = bottleneckClause(a)
  const bottleneck = `${clause.charAt(0).toUpperCase()}${clause.slice(1)}${a.verdict.bottleneck && a.verdict.bottleneck.why !== 'minor' ? ` [${a.verdict.bottleneck.id}, ${a.verdict.bottleneck.severity}]` : ''}.`
  return { verdict: a.verdict.sentence, capacity, bottleneck }
}
