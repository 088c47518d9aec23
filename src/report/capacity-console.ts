// `lmsload capacity` in the terminal: the ladder's steps and answer, the search's trials and answer,
// a USL fit of the user's CSV. Pure: results in, text out (the CLI prints it).
import type { CapacityPlan } from '../analyze/capacity/plan.ts'
import type { LadderCapacity } from '../analyze/capacity/ladder.ts'
import type { SearchResult } from '../analyze/capacity/search.ts'
import type { UslFit } from '../analyze/capacity/usl.ts'
import { displayPath } from '../core/paths.ts'

const fmt = (x: number, digits = 4) => (Math.abs(x) >= 1000 ? x.toFixed(1) : Number(x.toPrecision(digits)).toString())

export function uslFitText(fit: UslFit): string {
  return `USL fit of ${fit.points} points: λ = ${fmt(fit.lambda)} per unit of load, σ = ${fmt(fit.sigma)} (contention), κ = ${fmt(fit.kappa)} (coherency), R² = ${fit.r2.toFixed(4)}\n${fit.contentionLimited
    ? `κ is 0: no retrograde region; the system is contention-limited (Amdahl), throughput approaches λ/σ = ${fmt(fit.lambda / Math.max(fit.sigma, 1e-12))}\n`
    : `peak throughput ${fmt(fit.peakX!)} at N* = ${fmt(fit.peakN!)}; beyond it, more load lowers throughput\n`}`
}

export function ladderText(capacity: LadderCapacity, plan: CapacityPlan | null, errorBudget: number, dir: string, reportFile: string): string {
  const lines = [`capacity ladder (${capacity.slo.rule}, errors ≤ ${(errorBudget * 100).toFixed(1)} %): ${capacity.steps.length} planned steps measured`]
  for (const s of capacity.steps) {
    lines.push(`  ${s.arrivalRatePerSec.toFixed(1).padStart(7)} arrivals/s  ${s.throughputPerSec.toFixed(1).padStart(8)} req/s  in flight ${s.concurrency.toFixed(1).padStart(6)}  in journeys ${Math.round(s.activeLearners).toString().padStart(6)}  p95 ${(s.latencyMs?.p95 ?? 0).toFixed(1).padStart(8)} ms  errors ${(100 * s.errorRate).toFixed(2)} %  ${s.meetsSlo ? 'meets SLO' : 'BREAKS SLO'}`)
  }
  const usl = capacity.usl
  if (usl) lines.push(`USL over requests in flight: λ = ${fmt(usl.lambda)}, σ = ${fmt(usl.sigma)}, κ = ${fmt(usl.kappa)}, R² = ${usl.r2.toFixed(3)}${usl.peakN ? `; peak ${fmt(usl.peakX!)} req/s at N* = ${fmt(usl.peakN)}` : '; contention-limited (no peak)'}`)
  if (capacity.knee) lines.push(`knee: latency bends up after ${capacity.knee.throughputPerSec.toFixed(1)} req/s (p95 ${capacity.knee.p95Ms.toFixed(0)} ms)`)
  const v = capacity.verdict
  lines.push(capacity.capacity ? (plan?.sentence ?? '') : v.kind === 'too-few-steps' ? `no capacity: ${v.reason}` : 'no step met the SLO: capacity is below the first step')
  lines.push(`run directory: ${displayPath(dir)}`, `report: ${displayPath(reportFile)}`)
  return `${lines.join('\n')}\n`
}

/** What the search kept of each trial, for the table. */
export interface TrialSummary {
  learners: number
  p95Ms: number | null
  failedBudgets: string[]
  topFinding: string | null
}

export function searchText(slo: string, errorBudget: number, result: SearchResult<TrialSummary>, bestLearners: number | null, plan: CapacityPlan | null, dir: string): string {
  const lines = [`capacity search (${slo}, errors ≤ ${(errorBudget * 100).toFixed(1)} %): ${result.trials.length} trials`]
  for (const t of result.trials) lines.push(`  scale ${t.scale.toFixed(3)}  ${String(t.evidence.learners).padStart(6)} learners  p95 ${t.evidence.p95Ms?.toFixed(0) ?? '–'} ms  ${t.passed ? 'kept the budgets' : `FAILED ${t.evidence.failedBudgets.slice(0, 2).join('; ')}`}${t.evidence.topFinding ? `  (first finding: ${t.evidence.topFinding})` : ''}`)
  lines.push(bestLearners !== null ? (plan?.sentence ?? '') : 'even the smallest trial broke a budget')
  lines.push(`trials and capacity.json in ${displayPath(dir)}`)
  return `${lines.join('\n')}\n`
}
