import type { Analysis } from '../analyze/analysis.ts'
import type { LadderCapacity } from '../analyze/capacity/ladder.ts'
import type { CapacityPlan } from '../analyze/capacity/plan.ts'
import { count, ms, pct } from './format.ts'

export type LadderSection = LadderCapacity & { plan: CapacityPlan | null }

/** The capacity section of a ladder run, when the analysis has one. */
export function ladderOf(a: Analysis): LadderSection | undefined {
  const c = a.capacity as Partial<LadderSection> | undefined
  return c && c.mode === 'ladder' && Array.isArray(c.steps) ? (c as LadderSection) : undefined
}

/**
 * What a planner reads first: did it hold, for how many learners, and what breaks first. Every
 * number comes from analysis.json as it is.
 */
export function headline(a: Analysis): { verdict: string; capacity: string; bottleneck: string } {
  const ladder = ladderOf(a)
  let capacity: string
  if (ladder?.capacity) {
    capacity = `Capacity: ${count(ladder.capacity.concurrentLearners)} concurrent learners (${count(ladder.capacity.arrivalRatePerSec)} arrivals/s, ${count(ladder.capacity.throughputPerSec)} requests/s) within the SLO ${ladder.slo.rule}.` +
      (ladder.plan ? ` ${ladder.plan.sentence}` : '')
  } else if (ladder) {
    capacity = `Capacity: no step of the ladder met the SLO ${ladder.slo.rule}; the platform is over capacity at the lowest step tried.`
  } else if (a.budgets.length === 0 && a.arrivals.started > 0) {
    capacity = `Capacity: no budgets were set, so this run cannot say how many learners fit within an SLO; it carried ${count(a.arrivals.started)} learners (up to ${count(a.arrivals.peakActive)} at once) at p95 ${ms(a.overall.latencyMs?.p95)} with ${pct(a.overall.errorRate)} errors.`
  } else if (a.verdict.passed && a.arrivals.started > 0) {
    capacity = `Capacity: this scenario's ${count(a.arrivals.started)} learners (up to ${count(a.arrivals.peakActive)} at once) were served within budget; that is a floor, not the limit (\`lmsload capacity\` finds the limit).`
  } else if (a.arrivals.started > 0) {
    capacity = `Capacity: the platform did not carry this scenario's ${count(a.arrivals.started)} learners (up to ${count(a.arrivals.peakActive)} at once) within budget.`
  } else {
    capacity = 'Capacity: no learner started, so nothing can be said about capacity.'
  }
  const top = a.findings[0]
  const bottleneck = top
    ? `First bottleneck: ${top.title} (${top.id}, ${top.severity}).`
    : `First bottleneck: none stood out${a.overall.latencyMs ? ` (overall p95 ${ms(a.overall.latencyMs.p95)})` : ''}.`
  return { verdict: a.verdict.sentence, capacity, bottleneck }
}
