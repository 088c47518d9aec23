import { describe, expect, it } from 'vitest'
import type { BudgetResult, Finding } from '../../src/analyze/analysis.ts'
import { bottleneckOf } from '../../src/analyze/verdict.ts'
import { analyzeRun } from '../../src/analyze/analyze.ts'
import { verdictSentence } from '../../src/report/verdict-text.ts'
import { headline } from '../../src/report/headline.ts'
import { spread, syntheticRun } from '../helpers/synthetic-run.ts'

const finding = (id: string, impact: number, category: Finding['category'] = 'bottleneck', severity: Finding['severity'] = 'warning'): Finding => ({
  id, severity, title: `${id} title`, explanation: '', evidence: { chart: 'latency', metric: 'm', values: {}, endpoints: [] }, recommendation: '', confidence: 1, impact, category,
})
const latencyBudget = (measured: number, limit: number, passed: boolean): BudgetResult => ({
  target: 'overall', rule: `p95 < ${limit}ms`, metric: 'p95', op: '<', limit, measured, unit: 'ms', passed, margin: (limit - measured) / limit,
  verdict: passed ? { kind: 'passed' } : { kind: 'failed', cause: 'over-limit' }, source: 'scenario', where: 's.ts',
})

describe('the headline bottleneck (docs/analysis.md, "The first bottleneck")', () => {
  it('never names a trust finding', () => {
    expect(bottleneckOf([finding('closed-model-bias', 0.02, 'trust', 'info')], [])).toBeNull()
  })

  it('names a cause that takes more than half of request time', () => {
    expect(bottleneckOf([finding('slow-query', 0.6)], [latencyBudget(100, 300, true)])).toMatchObject({ id: 'slow-query', why: 'dominant' })
  })

  it('names a cause whose share, removed, brings the failing latency budget within its limit', () => {
    // p95 400 ms against 300 ms: the overrun is a quarter of the measured latency.
    expect(bottleneckOf([finding('pool-saturation', 0.3)], [latencyBudget(400, 300, false)])).toMatchObject({ why: 'explains-overrun' })
    expect(bottleneckOf([finding('pool-saturation', 0.2)], [latencyBudget(400, 300, false)])).toMatchObject({ why: 'minor' })
  })

  it('calls a 2 % contributor the largest, not the first bottleneck', () => {
    const { run, histograms } = syntheticRun({ seconds: 5, endpoints: [{ name: 'GET /x', count: () => 10, latencies: (_t, n) => spread(n, 1, 3) }], budgets: { overall: ['p95 < 1s'] } })
    const a = analyzeRun(run, histograms, { generatedAt: 'now' })
    const withMinor = { ...a, findings: [finding('lock-contention', 0.02)], verdict: { ...a.verdict, bottleneck: bottleneckOf([finding('lock-contention', 0.02)], a.budgets) } }
    expect(verdictSentence(withMinor)).toMatch(/no single cause mattered to the budgets \(the largest, lock-contention, accounts for 2 % of request time\)\.$/)
    expect(verdictSentence(withMinor)).not.toMatch(/first bottleneck/)
    expect(headline(withMinor).bottleneck).toMatch(/^No single cause mattered/)
  })

  it('names an error cause when an error budget failed', () => {
    const errors: BudgetResult = { ...latencyBudget(0.05, 0.01, false), rule: 'errors < 1%', metric: 'errors', unit: 'ratio' }
    expect(bottleneckOf([finding('error-burst', 0.05)], [errors])).toMatchObject({ why: 'errors' })
    expect(bottleneckOf([finding('error-burst', 0.05)], [latencyBudget(100, 300, true)])).toMatchObject({ why: 'minor' })
  })
})
