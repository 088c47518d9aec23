import type { BudgetRule } from '../../core/budget-rule.ts'
import type { Analysis, LatencySummary } from '../analysis.ts'
import { fitUsl, uslThroughput, type UslFit } from './usl.ts'

export interface CapacityStep {
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
  slo: { rule: string; errorBudget: number }
  steps: CapacityStep[]
  /** USL over concurrency (N = requests in flight) and throughput, when at least 4 steps held. */
  usl: UslFit | null
  /** The fitted USL drawn from 0 to 1.25 × the largest N seen (or N*): 61 points for charts. */
  uslCurve: Array<{ n: number; x: number }>
  /** The last step before latency bends up (p95 more than twice the first steps'). */
  knee: { stepIndex: number; throughputPerSec: number; p95Ms: number } | null
  /** The highest step meeting the SLO and error budget. */
  capacity: { arrivalRatePerSec: number; throughputPerSec: number; concurrentLearners: number } | null
}

function meets(latency: LatencySummary | undefined, slo: BudgetRule): boolean {
  if (!latency) return false
  const v = latency[slo.metric as keyof LatencySummary]
  if (v === undefined) return false
  return slo.op === '<' ? v < slo.limit : slo.op === '<=' ? v <= slo.limit : slo.op === '>' ? v > slo.limit : v >= slo.limit
}

/** Per-step capacity of a ladder run from its steady windows: SLO, knee, USL. Pure. */
export function ladderCapacity(analysis: Analysis, slo: BudgetRule, errorBudget: number): LadderCapacity {
  const cpuSource = Object.entries(analysis.series.resources).find(([k]) => k === 'target:process' || k.startsWith('process:'))?.[1]?.cpu_ratio
    ?? Object.entries(analysis.series.resources).find(([k]) => k === 'target' || k.startsWith('metrics:'))?.[1]?.cpu_ratio
  const steps: CapacityStep[] = analysis.windows
    .filter((w) => w.kind === 'steady' && w.endSec - w.startSec >= 5)
    .map((w) => {
      // The first seconds of a step still carry the previous step's queue: skip a fifth of it.
      const cpu = cpuSource?.slice(w.startSec + Math.floor((w.endSec - w.startSec) / 5), w.endSec).filter((v): v is number => v !== null) ?? []
      return {
        startSec: w.startSec, endSec: w.endSec, arrivalRatePerSec: w.arrivalRatePerSec, throughputPerSec: w.throughputPerSec,
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
  const best = passing.sort((a, b) => b.arrivalRatePerSec - a.arrivalRatePerSec)[0]
  const maxN = Math.max(...points.map((p) => p.n), usl?.peakN ?? 0) * 1.25
  const uslCurve = usl ? Array.from({ length: 61 }, (_, i) => ({ n: (maxN * i) / 60, x: uslThroughput(usl!, (maxN * i) / 60) })) : []
  return {
    mode: 'ladder', slo: { rule: slo.text, errorBudget }, steps, usl, uslCurve, knee,
    capacity: best ? { arrivalRatePerSec: best.arrivalRatePerSec, throughputPerSec: best.throughputPerSec, concurrentLearners: best.activeLearners } : null,
  }
}
