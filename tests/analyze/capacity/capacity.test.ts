import { describe, expect, it } from 'vitest'
import { headline, ladderOf } from '../../../src/report/headline.ts'
import { ladderAnalysis } from '../../helpers/analyses.ts'
import { planCapacity } from '../../../src/analyze/capacity/plan.ts'
import { searchScale } from '../../../src/analyze/capacity/search.ts'
import { parseLoadCsv } from '../../../src/analyze/capacity/csv.ts'

describe('capacity search', () => {
  it.each([0.3, 1, 2.7, 9])('converges on a known limit of %d within 10 %, bracketing it', async (limit) => {
    const result = await searchScale(async (scale) => ({ passed: scale <= limit, evidence: scale }), { start: 1, precision: 1.1, maxTrials: 20, minScale: 0.01 })
    expect(result.bestScale!).toBeLessThanOrEqual(limit)
    expect(result.failedScale!).toBeGreaterThan(limit)
    expect(result.failedScale! / result.bestScale!).toBeLessThanOrEqual(1.1)
    expect(result.trials.length).toBeLessThan(12)
  })

  it('reports no passing scale when even the smallest fails', async () => {
    const result = await searchScale(async () => ({ passed: false, evidence: null }), { start: 1, precision: 1.1, maxTrials: 10, minScale: 0.1 })
    expect(result.bestScale).toBeNull()
  })
})

describe('capacity planning', () => {
  it('says headroom, months until full at a growth rate, and instances a year ahead', () => {
    const plan = planCapacity(30, 'learners arriving per second', 'limit', { currentPeak: 20, growthPerYear: 0.3 })
    expect(plan.headroom).toBeCloseTo(0.5, 6)
    // 2000 × 1.3^t = 3000 → t = ln 1.5 / ln 1.3 years ≈ 18.5 months.
    expect(plan.monthsUntilFull!).toBeCloseTo((12 * Math.log(1.5)) / Math.log(1.3), 6)
    expect(plan.instancesInOneYear).toBe(1)
    expect(plan.sentence).toMatch(/^The platform takes 30 learners arriving per second within the SLO; 50 % above today's peak of 20 learners arriving per second; at 30 % growth a year it runs out in about 19 months/)
    expect(planCapacity(1000, 'learners', 'limit', { currentPeak: 1500, growthPerYear: 0.2 }).monthsUntilFull).toBe(0)
  })

  it('states a floor as a floor: no months until full, no instance count, and how to find the limit', () => {
    const plan = planCapacity(12, 'learners arriving per second', 'at-least', { currentPeak: 10, growthPerYear: 0.3, raise: 'raise --to' })
    expect(plan).toMatchObject({ bound: 'at-least', monthsUntilFull: null, instancesInOneYear: null })
    expect(plan.sentence).toBe("The platform takes at least 12 learners arriving per second within the SLO: the SLO held at every load tried, so this is a floor, not the limit (raise --to to find it); at least 20 % above today's peak of 10 learners arriving per second; when growth uses it up cannot be said from a floor.")
    expect(plan.sentence).not.toMatch(/months/)
  })
})

describe('a ladder\'s capacity, computed by the analysis from what run.json records', () => {
  it('a floor when every step held, a limit where a higher step broke the SLO', () => {
    expect(ladderOf(ladderAnalysis())!.verdict).toEqual({ kind: 'floor' })
    const c = ladderOf(ladderAnalysis({ slo: 'p95<30ms' }))!
    expect(c.verdict).toEqual({ kind: 'limit' })
    expect(c.capacity!.bound).toBe('limit')
    expect(c.plan!.sentence).toMatch(/^The platform takes [\d.]+ learners arriving per second within the SLO/)
  })

  it('over the SLO from the first step: no capacity, and the first step\'s figures say by how much', () => {
    const c = ladderOf(ladderAnalysis({ slo: 'p95<1ms' }))!
    expect(c.capacity).toBeNull()
    expect(c.verdict).toMatchObject({ kind: 'over-slo-from-first-step', firstStep: { arrivalRatePerSec: 40 } })
    expect(c.plan).toBeNull()
  })

  it('not enough steady steps: a run that ended in the first step\'s warm-up says why it cannot tell', () => {
    const c = ladderOf(ladderAnalysis({ seconds: 3 }))!
    expect(c.capacity).toBeNull()
    expect(c.verdict).toMatchObject({ kind: 'too-few-steps', steadySteps: 0 })
    expect(c.verdict.kind === 'too-few-steps' && c.verdict.reason).toMatch(/no step held steady/)
    expect(headline(ladderAnalysis({ seconds: 3 })).capacity).toMatch(/^Capacity: the ladder cannot say: no step held steady/)
  })
})

describe('capacity-fit CSV', () => {
  it('reads N,X rows in any order, ignoring blank lines and comments', () => {
    expect(parseLoadCsv('N,X\n4,30\n1,10\n\n# warm\n2,18\n8,40\n', 'd.csv')).toEqual([{ n: 4, x: 30 }, { n: 1, x: 10 }, { n: 2, x: 18 }, { n: 8, x: 40 }])
  })

  it.each([
    ['', /d\.csv: empty file/],
    ['load,tput\n1,2\n', /d\.csv:1: expected the header row 'N,X'/],
    ['N,X\n1,2\n2,3\n', /d\.csv: 2 data rows; fitting the USL \(3 parameters\) needs at least 4/],
    ['N,X\n1,2\n2,abc\n3,4\n4,5\n', /d\.csv:3: X must be a number, got 'abc'/],
    ['N,X\n0,2\n2,3\n3,4\n4,5\n', /d\.csv:2: N must be above 0/],
    ['N,X\n1,-2\n2,3\n3,4\n4,5\n', /d\.csv:2: X must be above 0/],
    ['N,X\n1,2\n1,3\n2,4\n2,5\n', /fewer than 3 distinct loads/],
  ])('refuses %j', (text, message) => {
    expect(() => parseLoadCsv(text, 'd.csv')).toThrow(message)
  })
})
