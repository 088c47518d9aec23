import { GENERATOR_SATURATED, saturatedFrom } from '../generator.ts'
import type { FindingRule } from './rule.ts'
import { clamp01, pct } from './signals.ts'

/** The load generator itself was the bottleneck: latencies include its own delays. */
export const generatorSaturated: FindingRule = {
  id: 'generator-saturated',
  kind: 'trust',
  detect(s) {
    const busy = s.generatorBusy
    const from = saturatedFrom(busy)
    if (from === undefined) return undefined
    const seconds = busy.filter((b) => b !== null).length
    const busySeconds = busy.filter((b) => b === true).length
    const share = busySeconds / Math.max(1, seconds)
    const last = busy.lastIndexOf(true)
    return {
      id: 'generator-saturated', severity: 'warning',
      title: GENERATOR_SATURATED.short[0]!.toUpperCase() + GENERATOR_SATURATED.short.slice(1),
      explanation: GENERATOR_SATURATED.explanation(busySeconds, seconds),
      evidence: { chart: 'res-generator', metric: 'generator elu, event-loop lag', values: { busySeconds, share: Number(share.toFixed(3)), fromSecond: from }, window: { startSec: from, endSec: last + 1 }, endpoints: [] },
      recommendation: GENERATOR_SATURATED.recommendation,
      confidence: 0.9, impact: clamp01(0.5 * share),
    }
  },
}

/** Arrivals the generator could not start (maxLearners reached): the plan was not delivered. */
export const droppedArrivals: FindingRule = {
  id: 'dropped-arrivals',
  kind: 'trust',
  detect(s) {
    const { planned, dropped } = s.arrivals
    if (dropped === 0 || planned === 0) return undefined
    const share = dropped / planned
    return {
      id: 'dropped-arrivals', severity: share >= 0.05 ? 'critical' : 'warning',
      title: `${pct(share)} of planned arrivals were dropped`,
      explanation: `${dropped} of ${planned} learners never started because the cap on concurrent learners was reached: the target saw less load than planned, so its latencies look better than the plan deserves.`,
      evidence: { chart: 'load', metric: 'arrivals dropped', values: { planned, dropped, share: Number(share.toFixed(4)) }, endpoints: [] },
      recommendation: 'Raise maxLearners (--max-learners) if the generator has room, or treat the drop itself as the finding: the server was too slow to let learners finish.',
      confidence: 1, impact: clamp01(share),
    }
  },
}

/** A closed model slows its own arrivals when the server slows, hiding queueing. */
export const closedModelBias: FindingRule = {
  id: 'closed-model-bias',
  kind: 'trust',
  detect(s) {
    if (s.model !== 'closed') return undefined
    return {
      id: 'closed-model-bias', severity: 'info',
      title: 'Closed model: a slower server received less load',
      explanation: 'This run kept a fixed number of learners busy; when responses slowed, learners sent fewer requests, so queueing the real (open) traffic would meet is hidden from these latencies.',
      evidence: { chart: 'load', metric: 'model', values: {}, endpoints: [] },
      recommendation: 'Use an arrival profile (open model) for latency budgets and capacity; keep closed runs for comparison.',
      confidence: 1, impact: 0.02,
    }
  },
}
