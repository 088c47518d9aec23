import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyzeRun } from '../../src/analyze/analyze.ts'
import { BUDGET_FILE_SCHEMA } from '../../src/analyze/budgets/schema.ts'
import { parseBudgetRule } from '../../src/core/budget-rule.ts'
import { spread, syntheticRun } from '../helpers/synthetic-run.ts'

// 10 s at 100 req/s, latencies evenly 1..100 ms (p50 ≈ 50, p95 ≈ 95, max 100), 2 % errors,
// 3 dropped of 1,000 planned arrivals, 99 of 100 checks passing.
function analyse(budgets: Record<string, string[]>) {
  const { run, histograms } = syntheticRun({
    seconds: 10,
    arrivals: () => ({ planned: 100, started: 100, dropped: 0 }),
    endpoints: [{ name: 'GET /api/courses/:id', count: () => 100, latencies: (_t, n) => spread(n, 1, 100), errors: () => ({ http: 2 }) }],
    budgets,
    checks: { 'status 200': { pass: 99, fail: 1 } },
  })
  run.intervals[0]!.arrivals.dropped = 3
  return analyzeRun(run, histograms, { generatedAt: 'now' })
}

describe('budget rules', () => {
  it.each([
    ['p95 < 800ms', { metric: 'p95', op: '<', limit: 800, unit: 'ms' }],
    ['p(99) <= 2s', { metric: 'p99', op: '<=', limit: 2000, unit: 'ms' }],
    ['p99.9 < 1500', { metric: 'p999', op: '<', limit: 1500, unit: 'ms' }],
    ['mean < 250us', { metric: 'mean', op: '<', limit: 0.25, unit: 'ms' }],
    ['errors < 1%', { metric: 'errors', op: '<', limit: 0.01, unit: 'ratio' }],
    ['error_rate <= 0.05', { metric: 'errors', op: '<=', limit: 0.05, unit: 'ratio' }],
    ['rps > 50', { metric: 'rps', op: '>', limit: 50, unit: 'per_s' }],
    ['throughput >= 10/s', { metric: 'rps', op: '>=', limit: 10, unit: 'per_s' }],
    ['checks > 99%', { metric: 'checks', op: '>', limit: 0.99, unit: 'ratio' }],
    ['dropped < 0.5%', { metric: 'dropped', op: '<', limit: 0.005, unit: 'ratio' }],
    ['count >= 100', { metric: 'count', op: '>=', limit: 100, unit: 'count' }],
  ])('%s', (text, expected) => {
    expect(parseBudgetRule(text, 'here')).toMatchObject(expected)
  })

  it.each([
    ['p95 <', /here: 'p95 <': expected '<metric> <op> <value>'/],
    ['p95 < 800kg', /latency needs a unit of us, ms or s, got 'kg'/],
    ['errors < 150%', /errors must be between 0% and 100%/],
    ['latency < 1s', /unknown metric 'latency'/],
    ['p95 = 1s', /expected '<metric> <op> <value>'/],
  ])('refuses %j', (text, message) => {
    expect(() => parseBudgetRule(text, 'here')).toThrow(message)
  })
})

describe('budget evaluation', () => {
  it('passes and fails each operator against the measured value, with its margin', () => {
    const a = analyse({
      overall: ['p95 < 200ms', 'p95 > 200ms', 'errors <= 2%', 'errors < 1%', 'rps >= 100', 'rps > 100', 'checks > 98%', 'dropped < 0.1%', 'max <= 100.1ms'],
      'GET /api/courses/:id': ['p50 < 60ms'],
    })
    const byRule = Object.fromEntries(a.budgets.map((b) => [`${b.target} ${b.rule}`, b]))
    expect(byRule['overall p95 < 200ms']).toMatchObject({ passed: true })
    expect(byRule['overall p95 < 200ms']!.margin!).toBeCloseTo((200 - byRule['overall p95 < 200ms']!.measured!) / 200, 6)
    expect(byRule['overall p95 > 200ms']).toMatchObject({ passed: false })
    expect(byRule['overall errors <= 2%']).toMatchObject({ passed: true, measured: 0.02 })
    expect(byRule['overall errors < 1%']).toMatchObject({ passed: false, measured: 0.02 })
    expect(byRule['overall rps >= 100']).toMatchObject({ passed: true, measured: 100 })
    expect(byRule['overall rps > 100']).toMatchObject({ passed: false })
    expect(byRule['overall checks > 98%']).toMatchObject({ passed: true, measured: 0.99 })
    expect(byRule['overall dropped < 0.1%']).toMatchObject({ passed: false, measured: 0.003 })
    expect(byRule['GET /api/courses/:id p50 < 60ms']).toMatchObject({ passed: true })
    // A logged histogram reports its max as the top of the bucket holding it (64 µs wide at 100 ms).
    expect(byRule['overall max <= 100.1ms']).toMatchObject({ passed: true, measured: 100.031 })
    expect(a.verdict.passed).toBe(false)
    expect(a.verdict.budgetsFailed).toBe(4)
    expect(a.verdict.sentence).toMatch(/^4 of 10 budgets failed/)
  })

  it('fails, never passes, a budget on a target the run never saw, suggesting the closest name', () => {
    const a = analyse({ 'GET /api/curses/:id': ['p95 < 1s'], 'step:login': ['p95 < 1s'], 'check:nope': ['checks > 99%'] })
    expect(a.budgets.map((b) => [b.passed, b.measured])).toEqual([[false, null], [false, null], [false, null]])
    expect(a.budgets[0]!.problem).toMatch(/budget target 'GET \/api\/curses\/:id': the run has no such endpoint \(did you mean 'GET \/api\/courses\/:id'\?\)/)
    expect(a.budgets[1]!.problem).toMatch(/the run has no such step/)
    expect(a.budgets[2]!.problem).toMatch(/the run has no such check/)
    expect(a.verdict.passed).toBe(false)
    expect(a.verdict.sentence).toMatch(/^3 of 3 budgets failed, 3 on targets the run never saw \('GET \/api\/curses\/:id', 'step:login', 'check:nope'\)/)
  })

  it('publishes the budget file schema for editors (docs/budgets.schema.json is generated from the code)', () => {
    expect(JSON.parse(readFileSync(new URL('../../docs/budgets.schema.json', import.meta.url), 'utf8'))).toEqual(BUDGET_FILE_SCHEMA)
  })
})
