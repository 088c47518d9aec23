import { describe, expect, it } from 'vitest'
import { arrival, concurrency, defineScenario } from '../../src/scenario/index.ts'
import { shapeLoad } from '../../src/scenario/shape.ts'

const journeys = { j: { weight: 1, run: async () => {} } }

describe('--scale, --size and --duration reshape the load', () => {
  const exam = defineScenario({ name: 'exam', arrival: arrival.examSpike({ learners: 2000 }), journeys })

  it('scales a class: --scale 0.05 of 2,000 is 100 learners', () => {
    expect(shapeLoad(exam, { scale: 0.05 }).learners).toBe(100)
  })

  it("sets Moodle's sizes: --size L is 1,000 learners, then --scale multiplies", () => {
    expect(shapeLoad(exam, { size: 'L' }).learners).toBe(1000)
    expect(shapeLoad(exam, { size: 'L', scale: 2 }).learners).toBe(2000)
  })

  it('sizes a rate profile by its expected learners', () => {
    const steady = defineScenario({ name: 'steady', arrival: arrival.constant({ rate: 10, duration: '100s' }), journeys })
    expect(shapeLoad(steady, { size: 'M' }).learners).toBeCloseTo(100, 6)
    expect(shapeLoad(steady, { durationMs: 10_000 }).learners).toBeCloseTo(100, 6)
  })

  it('stretches a shaped profile without changing its class size', () => {
    const shaped = shapeLoad(exam, { durationMs: 60_000 })
    expect(shaped.durationMs).toBe(60_000)
    expect(shaped.learners).toBe(2000)
  })

  it('scales and stretches a closed model', () => {
    const closed = defineScenario({ name: 'closed', concurrency: concurrency.ramp({ stages: [{ target: 100, duration: '60s' }] }), journeys })
    const shaped = shapeLoad(closed, { scale: 0.5, durationMs: 30_000 })
    expect(shaped.learners).toBe(50)
    expect(shaped.streams[0]!.concurrency!.targetAt(15_000)).toBe(25)
  })
})

describe('defineScenario', () => {
  it.each([
    [{ name: 'Bad Name', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys }, /'name' must be lowercase/],
    [{ name: 'x', journeys }, /give exactly one of 'arrival' \(open model\) or 'concurrency'/],
    [{ name: 'x', arrival: { rate: 5 }, journeys }, /'arrival' must be built with arrival\.\*/],
    [{ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: {} }, /'journeys' must name at least one journey/],
    [{ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: { a: { weight: 1 } } }, /journey 'a' needs run/],
    [{ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys, budgets: { overall: 'p95 < 1s' } }, /budgets\['overall'\] must be a list of rules/],
    [{ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys, options: { gracefulStop: 10 } }, /'options\.gracefulStop' must be a duration like '60s', got 10/],
    [{ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys, extra: 1 }, /unknown field 'extra'/],
  ])('refuses %#, naming this file and line', (definition, message) => {
    expect(() => defineScenario(definition as never)).toThrow(message)
    expect(() => defineScenario(definition as never)).toThrow(/shape\.test\.ts:\d+: defineScenario: /)
  })
})
