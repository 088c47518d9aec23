// lmsload capacity's terminal text, rendered in report/ from the results (the CLI only prints it).
import { describe, expect, it } from 'vitest'
import { searchText, uslFitText } from '../../src/report/capacity-console.ts'

describe('capacity console text', () => {
  it('a USL fit with a peak names it, one without says contention-limited', () => {
    const base = { points: 5, lambda: 100.1, sigma: 0.0428, kappa: 0.004283, r2: 0.99996 }
    expect(uslFitText({ ...base, contentionLimited: false, peakN: 14.95, peakX: 601.2 } as never)).toBe(
      'USL fit of 5 points: λ = 100.1 per unit of load, σ = 0.0428 (contention), κ = 0.004283 (coherency), R² = 1.0000\npeak throughput 601.2 at N* = 14.95; beyond it, more load lowers throughput\n')
    expect(uslFitText({ ...base, kappa: 0, contentionLimited: true } as never)).toMatch(/κ is 0: no retrograde region; the system is contention-limited \(Amdahl\), throughput approaches λ\/σ = 2338.8\n$/)
  })

  it('a search lists its trials and ends with the plan sentence or says that even the smallest failed', () => {
    const result = {
      bestScale: 1, failedScale: 2,
      trials: [
        { scale: 1, passed: true, evidence: { learners: 120, p95Ms: 310, failedBudgets: [], topFinding: null } },
        { scale: 2, passed: false, evidence: { learners: 240, p95Ms: 1450, failedBudgets: ['overall: p95<800ms'], topFinding: 'cpu-saturation' } },
      ],
    }
    const text = searchText('p95<800ms', 0.01, result, 120, { sentence: 'About 120 learners fit.' } as never, '/tmp/trials')
    expect(text.split('\n')).toEqual([
      'capacity search (p95<800ms, errors ≤ 1.0 %): 2 trials',
      '  scale 1.000     120 learners  p95 310 ms  kept the budgets',
      '  scale 2.000     240 learners  p95 1450 ms  FAILED overall: p95<800ms  (first finding: cpu-saturation)',
      'About 120 learners fit.',
      'trials and capacity.json in /tmp/trials',
      '',
    ])
    expect(searchText('p95<800ms', 0.01, { bestScale: null, failedScale: 1, trials: [] }, null, null, '/tmp/t')).toContain('even the smallest trial broke a budget')
  })
})
