import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyzeRun } from '../../../src/analyze/analyze.ts'
import { BUDGET_FILE_SCHEMA } from '../../../src/analyze/budgets/schema.ts'
import { parseBudgetRule } from '../../../src/core/budget-rule.ts'
import { verdictSentence } from '../../../src/report/verdict-text.ts'
import { spread, syntheticRun, type SyntheticRun } from '../../helpers/synthetic-run.ts'

// 10 s at 100 req/s, latencies evenly 1..100 ms (p50 ≈ 50, p95 ≈ 95, max 100), 2 % errors,
// 3 dropped of 1,000 planned arrivals, 99 of 100 checks passing.
function analyse(budgets: Record<string, string[]>, more: Partial<SyntheticRun> = {}, dropped = 3) {
  const { run, histograms } = syntheticRun({
    seconds: 10,
    arrivals: () => ({ planned: 100, started: 100, dropped: 0 }),
    endpoints: [{ name: 'GET /api/courses/:id', count: () => 100, latencies: (_t, n) => spread(n, 1, 100), errors: () => ({ http: 2 }) }],
    budgets,
    checks: { 'status 200': { pass: 99, fail: 1 } },
    ...more,
  })
  run.intervals[0]!.arrivals.dropped = dropped
  const a = analyzeRun(run, histograms, { generatedAt: 'now' })
  a.verdict.sentence = verdictSentence(a)
  return a
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
    // 10 of the scenario's, plus the default journey budget (not judged here: no journey ended).
    expect(a.verdict.sentence).toMatch(/^4 of 11 budgets failed/)
  })

  it('does not judge, and still gates on, a budget on a target the run never saw, naming the closest name', () => {
    const a = analyse({ 'GET /api/curses/:id': ['p95 < 1s'], 'step:login': ['p95 < 1s'], 'check:nope': ['checks > 99%'] })
    const own = a.budgets.filter((b) => b.source === 'scenario')
    expect(own.map((b) => [b.passed, b.measured, b.verdict.kind])).toEqual([[false, null, 'not-judged'], [false, null, 'not-judged'], [false, null, 'not-judged']])
    expect(own[0]!.verdict).toEqual({ kind: 'not-judged', reason: 'never-seen', targetKind: 'endpoint', closest: 'GET /api/courses/:id', gates: true })
    expect(own[1]!.verdict).toMatchObject({ reason: 'never-seen', targetKind: 'step' })
    expect(own[2]!.verdict).toMatchObject({ reason: 'never-seen', targetKind: 'check' })
    expect(a.verdict.passed).toBe(false)
    expect(a.verdict.budgetsFailed).toBe(0)
    expect(a.verdict.sentence).toMatch(/^3 budgets could not be judged \('GET \/api\/curses\/:id', 'step:login', 'check:nope': the run never called this endpoint \(did you mean 'GET \/api\/courses\/:id'\?\)\), which fails the gate/)
    expect(a.verdict.sentence).not.toMatch(/failed p95/)
  })

  it("says a throughput floor above what an open model offered is the scenario's, not the platform's", () => {
    const a = analyse({ overall: ['rps > 500'] }, { endpoints: [{ name: 'GET /api/courses/:id', count: () => 100, latencies: (_t, n) => spread(n, 1, 10) }] }, 0)
    const b = a.budgets.find((x) => x.rule === 'rps > 500')!
    expect(b.verdict).toEqual({ kind: 'failed', cause: 'offered-load', offeredPerSec: 100 })
    expect(a.verdict.passed).toBe(false)
    expect(a.verdict.sentence).toMatch(/the scenario offered only 100 requests\/s and every one was served/)
    expect(a.verdict.sentence).not.toMatch(/did not carry/)
  })

  it('fails the gate by default when more than 1 % of ended journeys threw, and counts every error by place and message', () => {
    const a = analyse({}, {
      endpoints: [{ name: 'GET /api/courses/:id', count: () => 10, latencies: (_t, n) => spread(n, 1, 10) }],
      journeys: () => ({ browse: { started: 10, completed: 2, failed: 8, interrupted: 0 } }),
      journeyErrors: (t) => [{ journey: 'browse', message: 'l.gett is not a function', location: 'scenarios/typo.ts:7', count: t === 0 ? 7 : 8 }],
    })
    expect(a.journeyErrors).toEqual([{ journey: 'browse', message: 'l.gett is not a function', location: 'scenarios/typo.ts:7', count: 79, firstSec: 0 }])
    const budget = a.budgets.find((b) => b.source === 'default')!
    expect(budget).toMatchObject({ target: 'journeys', rule: 'failed < 1%', measured: 0.8, verdict: { kind: 'failed', cause: 'over-limit' } })
    expect(a.verdict).toMatchObject({ passed: false, outcome: 'failed', journeys: { ended: 100, failed: 80 } })
    expect(a.verdict.sentence).toMatch(/80 of 100 journeys that ended threw an error \(most often: l\.gett is not a function at scenarios\/typo\.ts:7\)/)
    expect(a.verdict.sentence).not.toMatch(/all .* budgets were met/i)
  })

  it('lets a scenario set its own journey budget, and never passes a run in which most journeys threw', () => {
    const journeys = (failed: number) => () => ({ browse: { started: 10, completed: 10 - failed, failed, interrupted: 0 } })
    const lenient = analyse({ journeys: ['failed < 60%'] }, { journeys: journeys(3) })
    expect(lenient.budgets.filter((b) => b.target === 'journeys')).toHaveLength(1)
    expect(lenient.verdict.passed).toBe(true)
    const crashing = analyse({ journeys: ['failed < 90%'] }, { journeys: journeys(6) })
    expect(crashing.budgets.find((b) => b.target === 'journeys')!.passed).toBe(true)
    expect(crashing.verdict.passed).toBe(false)
  })

  it('leaves the default journey budget unjudged, not failed, when no journey ended', () => {
    const a = analyse({ overall: ['p95 < 1s'] }, { journeys: () => ({ exam: { started: 10, completed: 0, failed: 0, interrupted: 10 } }) })
    expect(a.budgets.find((b) => b.source === 'default')!.verdict).toEqual({ kind: 'not-judged', reason: 'no-data', gates: false })
    expect(a.verdict.passed).toBe(true)
  })

  it('does not judge a broken latency ceiling measured while the generator saturated, and still gates on it', () => {
    const { run, histograms } = syntheticRun({
      seconds: 10, budgets: { overall: ['p95 < 10ms', 'p95 < 1s', 'errors < 5%'] },
      endpoints: [{ name: 'GET /api/courses/:id', count: () => 100, latencies: (_t, n) => spread(n, 1, 100), errors: () => ({ http: 2 }) }],
      // Decided from the recorded seconds (analyze/generator.ts): the worker's loop busy from second 3.
      generatorElu: (t) => (t >= 3 ? 0.99 : 0.3),
    })
    const a = analyzeRun(run, histograms, { generatedAt: 'now' })
    a.verdict.sentence = verdictSentence(a)
    const [tight, loose, errors] = a.budgets.filter((b) => b.source === 'scenario')
    expect(tight!.verdict).toEqual({ kind: 'not-judged', reason: 'generator-saturated', gates: true })
    // A pass stays a pass (the true latency is lower still), and an error budget is the target's.
    expect(loose!.verdict).toEqual({ kind: 'passed' })
    expect(errors!.verdict).toEqual({ kind: 'passed' })
    expect(a.verdict.passed).toBe(false)
    expect(a.verdict.sentence).toMatch(/while the load generator saturated/)
  })

  it('marks an interrupted run incomplete and never calls it a pass', () => {
    const a = analyse({ overall: ['p95 < 1s'] }, { end: { reason: 'interrupted', detail: 'SIGINT' } })
    expect(a.trust.incomplete).toBe(true)
    expect(a.run.end).toMatchObject({ reason: 'interrupted', detail: 'SIGINT', atSec: 10 })
    expect(a.verdict.outcome).toBe('incomplete')
    expect(a.verdict.sentence).toMatch(/^The run was interrupted \(SIGINT\) after 10 of 10 s: everything below covers only what ran; the one budget judged was met, 1 not judged/)
  })

  it("refuses a journey rule on another target, and other rules on 'journeys'", () => {
    expect(() => analyse({ overall: ['failed < 1%'] })).toThrow(/'failed' \(the share of ended journeys that threw\) applies to 'journeys'/)
    expect(() => analyse({ journeys: ['p95 < 1s'] })).toThrow(/applies to 'journeys' and 'journey:<name>', and those take it only/)
  })

  it('publishes the budget file schema for editors (docs/budgets.schema.json is generated from the code)', () => {
    expect(JSON.parse(readFileSync(new URL('../../../docs/budgets.schema.json', import.meta.url), 'utf8'))).toEqual(BUDGET_FILE_SCHEMA)
  })
})
