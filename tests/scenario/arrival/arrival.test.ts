import { chiSquaredGoodnessOfFit, mean, poissonDistribution, sampleStandardDeviation } from 'simple-statistics'
import { describe, expect, it } from 'vitest'
import { arrival, type ArrivalProfile } from '../../../src/scenario/index.ts'
import { arrivalPlan, plannedPerSecond } from '../../../src/engine/schedule/arrival-plan.ts'

/** Expected arrivals in [a, b) ms: ∫ rate, by the midpoint rule on 1 ms cells. */
function expectedIn(profile: ArrivalProfile, a: number, b: number): number {
  let sum = 0
  for (let t = a; t < b; t += 1) sum += profile.rateAt(t + 0.5) / 1000
  return sum
}

function countIn(times: Float64Array, a: number, b: number): number {
  let n = 0
  for (const t of times) if (t >= a && t < b) n++
  return n
}

const PROFILES: Array<[string, ArrivalProfile]> = [
  ['constant', arrival.constant({ rate: 200, duration: '30s' })],
  ['ramp', arrival.ramp({ from: 10, to: 300, duration: '30s' })],
  ['steps', arrival.steps({ stages: [{ rate: 50, duration: '10s' }, { rate: 250, duration: '10s' }, { rate: 100, duration: '10s' }] })],
  ['ladder', arrival.ladder({ from: 20, to: 200, steps: 4, hold: '8s' })],
  ['examSpike', arrival.examSpike({ learners: 5000, leadIn: '20s', jitter: '10s', stragglers: 0.1, stragglerWindow: '30s', after: '10s' })],
  ['videoWave', arrival.videoWave({ learners: 5000, halfLife: '20s', duration: '60s' })],
  ['enrollmentDay', arrival.enrollmentDay({ learners: 5000, opensAt: '5s', herd: 0.4, herdWindow: '5s', halfLife: '15s', duration: '60s' })],
  ['deadlineRush', arrival.deadlineRush({ learners: 5000, deadline: '45s', buildUp: '10s', early: 0.1, late: 0.05, after: '15s' })],
  ['diurnal', arrival.diurnal({ peakRate: 200, troughRate: 10, day: '2m' })],
]

describe('arrival plans follow their profile', () => {
  it.each(PROFILES)('%s: arrivals per 5 s window match ∫rate within 4 σ, and the total within 2 %', (_name, profile) => {
    const plan = arrivalPlan(profile, { seed: 42 })
    const expectedTotal = profile.expectedLearners()
    if (profile.counting === 'exact') expect(plan.times.length).toBe(Math.round(expectedTotal))
    else expect(Math.abs(plan.times.length - expectedTotal)).toBeLessThanOrEqual(Math.max(0.02 * expectedTotal, 4 * Math.sqrt(expectedTotal)))
    for (let a = 0; a < profile.durationMs; a += 5000) {
      const expected = expectedIn(profile, a, Math.min(a + 5000, profile.durationMs)) * (plan.times.length / expectedTotal)
      const got = countIn(plan.times, a, a + 5000)
      expect(Math.abs(got - expected), `window at ${a / 1000}s: ${got} vs ${expected.toFixed(1)}`).toBeLessThanOrEqual(4 * Math.sqrt(expected) + 2)
    }
    for (let i = 1; i < plan.times.length; i++) expect(plan.times[i]!).toBeGreaterThanOrEqual(plan.times[i - 1]!)
    expect(plan.times.every((t) => t >= 0 && t < profile.durationMs)).toBe(true)
  })

  it('is reproducible by seed and different across seeds', () => {
    const profile = arrival.constant({ rate: 100, duration: '10s' })
    const a = arrivalPlan(profile, { seed: 7 })
    const b = arrivalPlan(profile, { seed: 7 })
    const c = arrivalPlan(profile, { seed: 8 })
    expect(Array.from(b.times)).toEqual(Array.from(a.times))
    expect(Array.from(c.times)).not.toEqual(Array.from(a.times))
  })

  it('spaces uniform arrivals evenly: exactly rate × duration, one every 1/rate s', () => {
    const plan = arrivalPlan(arrival.constant({ rate: 50, duration: '10s' }), { seed: 1, spacing: 'uniform' })
    expect(plan.times.length).toBe(500)
    for (let i = 1; i < plan.times.length; i++) expect(plan.times[i]! - plan.times[i - 1]!).toBeCloseTo(20, 6)
    expect(Array.from(plannedPerSecond(plan))).toEqual(Array(10).fill(50))
  })
})

describe('a constant profile is a Poisson process', () => {
  const rate = 100
  const plan = arrivalPlan(arrival.constant({ rate, duration: '600s' }), { seed: 2024 })
  const gaps = Array.from(plan.times.subarray(1), (t, i) => t - plan.times[i]!)

  it('has exponential gaps: mean 1/λ and coefficient of variation 1', () => {
    expect(mean(gaps)).toBeCloseTo(1000 / rate, 0)
    expect(sampleStandardDeviation(gaps) / mean(gaps)).toBeCloseTo(1, 1)
    // P(gap > 1/λ) = e⁻¹ for an exponential distribution.
    expect(gaps.filter((g) => g > 1000 / rate).length / gaps.length).toBeCloseTo(Math.exp(-1), 2)
  })

  it('has Poisson counts per 100 ms: a χ² goodness-of-fit test does not reject it at 5 %', () => {
    const perCell = new Array<number>(6000).fill(0)
    for (const t of plan.times) perCell[Math.floor(t / 100)]!++
    expect(mean(perCell)).toBeCloseTo(10, 0)
    expect(chiSquaredGoodnessOfFit(perCell, poissonDistribution, 0.05)).toBe(false)
  })

  it('fails the same χ² test for evenly spaced arrivals (the test can tell)', () => {
    const even = arrivalPlan(arrival.constant({ rate, duration: '600s' }), { seed: 1, spacing: 'uniform' })
    const perCell = new Array<number>(6000).fill(0)
    for (const t of even.times) perCell[Math.floor(t / 100)]!++
    expect(chiSquaredGoodnessOfFit(perCell, poissonDistribution, 0.05)).toBe(true)
  })
})

describe('exam spike', () => {
  const profile = arrival.examSpike({ learners: 1000, leadIn: '30s', jitter: '20s', stragglers: 0.05, stragglerWindow: '60s', after: '30s' })
  const plan = arrivalPlan(profile, { seed: 3 })

  it('signs learners in during the lead-in and releases them within the jitter window, most early', () => {
    const onTime = Array.from(plan.times).map((t, i) => ({ t, r: plan.releases![i]! })).filter((x) => x.t < 30_000)
    expect(onTime.length).toBeGreaterThan(900)
    for (const x of onTime) {
      expect(x.r).toBeGreaterThanOrEqual(30_000)
      expect(x.r).toBeLessThanOrEqual(50_000)
    }
    const firstQuarter = onTime.filter((x) => x.r < 35_000).length / onTime.length
    expect(firstQuarter).toBeGreaterThan(0.6)
  })

  it('lets stragglers arrive after the opening and start at once, fewer as time passes', () => {
    const late = Array.from(plan.times).map((t, i) => ({ t, r: plan.releases![i]! })).filter((x) => x.t >= 30_000)
    expect(late.length).toBeGreaterThan(25)
    expect(late.length).toBeLessThan(80)
    for (const x of late) expect(x.r).toBe(x.t)
    expect(late.filter((x) => x.t < 50_000).length).toBeGreaterThan(late.filter((x) => x.t >= 70_000).length)
  })

  it('scales the class and stretches time on request', () => {
    expect(profile.scaled(0.05).expectedLearners()).toBe(50)
    const short = profile.withDurationMs(profile.durationMs / 2)
    expect(short.durationMs).toBe(profile.durationMs / 2)
    expect(short.expectedLearners()).toBe(1000)
  })
})

describe('reshaping', () => {
  it('keeps a constant rate under --duration and multiplies it under --scale', () => {
    const p = arrival.constant({ rate: 10, duration: '60s' })
    expect(p.withDurationMs(10_000).expectedLearners()).toBe(100)
    expect(p.scaled(0.5).rateAt(1000)).toBe(5)
  })
})

describe('profile parameters are checked where they are written', () => {
  it.each([
    [() => arrival.constant({ rate: -5, duration: '10s' }), /arrival\.test\.ts:\d+: arrival\.constant: 'rate' must be a number ≥ 0, got -5/],
    [() => arrival.constant({ rate: 5, duration: '10' }), /arrival\.constant: 'duration' must be a duration like '60s', got '10'/],
    [() => arrival.examSpike({ learners: 100, window: '60' } as never), /arrival\.examSpike: unknown field 'window'/],
    [() => arrival.examSpike({ learners: 100, jitter: '60' }), /arrival\.examSpike: 'jitter' must be a duration like '60s', got '60'/],
    [() => arrival.ramp({ from: 1, to: 'x' as never, duration: '1m' }), /'to' must be a number ≥ 0, got "x"/],
    [() => arrival.steps({ stages: [] }), /arrival\.steps: expected \{ stages/],
    [() => arrival.deadlineRush({ learners: 10, early: 0.8, late: 0.5 }), /'early' \+ 'late' must not exceed 1/],
    [() => arrival.diurnal({ peakRate: 0 }), /'peakRate' must be a number > 0/],
  ])('%#', (make, message) => {
    expect(make).toThrow(message)
  })
})
