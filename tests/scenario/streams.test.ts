import { describe, expect, it } from 'vitest'
import { arrival, concurrency, defineScenario } from '../../src/scenario/index.ts'
import { shapeLoad } from '../../src/scenario/shape.ts'
import { runLoad } from '../../src/engine/schedule/streams.ts'

const j = (name: string) => ({ [name]: { weight: 1, run: async () => {} } })
const examDay = () => defineScenario({
  name: 'day',
  streams: {
    background: { arrival: arrival.constant({ rate: 2, duration: '100s' }), journeys: j('study'), budgets: { overall: ['p95 < 800ms'] } },
    exam: { arrival: arrival.examSpike({ learners: 300, leadIn: '10s', jitter: '5s', after: '20s' }), startAfter: '30s', journeys: j('exam'), budgets: { 'step:start': ['p95 < 1s'] } },
    staff: { concurrency: concurrency.constant({ learners: 4, duration: '50s' }), startAfter: '10s', journeys: j('grade') },
  },
  budgets: { overall: ['errors < 1%'], 'stream:exam': ['errors < 0.5%'] },
})

describe('defineScenario with streams', () => {
  it('keeps the streams in order, puts their own budgets under stream: targets, and says the run is open when any stream is', () => {
    const s = examDay()
    expect(s.streamed).toBe(true)
    expect(s.streams.map((x) => [x.name, x.model, x.startAfterMs])).toEqual([['background', 'open', 0], ['exam', 'open', 30_000], ['staff', 'closed', 10_000]])
    expect(s.model).toBe('open')
    expect(s.budgets).toEqual({ overall: ['errors < 1%'], 'stream:exam': ['errors < 0.5%'], 'stream:background': ['p95 < 800ms'], 'stream:exam step:start': ['p95 < 1s'] })
  })

  it('reads a scenario without streams as one stream named default, recorded as before', () => {
    const s = defineScenario({ name: 'one', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: j('a') })
    expect(s.streamed).toBe(false)
    expect(s.streams.map((x) => x.name)).toEqual(['default'])
  })

  const stream = { arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: j('a') }
  it.each([
    [{ streams: {} }, /'streams' must name at least one stream/],
    [{ streams: { 'Big Exam': stream } }, /stream 'Big Exam': a stream name is lowercase letters/],
    [{ streams: { a: stream }, arrival: arrival.constant({ rate: 1, duration: '1s' }) }, /give either 'streams' or one stream's/],
    [{ streams: { a: stream, b: stream } }, /journey 'a' is in streams 'a' and 'b': journey names must be unique across streams/],
    [{ streams: { a: { journeys: j('x') } } }, /give exactly one of 'streams\.a\.arrival' \(open model\) or 'streams\.a\.concurrency'/],
    [{ streams: { a: { ...stream, startAfter: 'soon' } } }, /'streams\.a\.startAfter' must be a duration like '60s', got 'soon'/],
    [{ streams: { a: { ...stream, budgets: { 'stream:b': ['p95 < 1s'] } } } }, /streams\.a\.budgets\['stream:b'\]: a stream's own budgets name targets within it/],
    [{ streams: { a: stream }, budgets: { 'stream:exam': ['p95 < 1s'] } }, /budgets\['stream:exam'\]: the scenario has no stream 'exam' \(its streams: a\)/],
    [{ streams: { a: { ...stream, budgets: { overall: ['dropped < 1%', 'failed < 1%'] } } } }, /streams\.a\.budgets\['overall'\]\[1\]: 'failed < 1%': 'failed'/],
    [{ streams: { a: { ...stream, extra: 1 } } }, /unknown field 'extra'/],
  ])('refuses %#, naming this file and line', (definition, message) => {
    expect(() => defineScenario({ name: 'x', ...definition } as never)).toThrow(message)
    expect(() => defineScenario({ name: 'x', ...definition } as never)).toThrow(/streams\.test\.ts:\d+: defineScenario: /)
  })
})

describe('the load of several streams', () => {
  it('runs until the last stream ends, and --duration compresses every start and length alike', () => {
    const s = examDay()
    const load = shapeLoad(s, {})
    // The exam (30 s in, 90 s long: lead-in, release, stragglers, after) ends last.
    expect(load.durationMs).toBe(30_000 + s.streams[1]!.arrival!.durationMs)
    expect(load.durationMs).toBe(120_000)
    const half = shapeLoad(s, { durationMs: 60_000 })
    expect(half.durationMs).toBeCloseTo(60_000, 6)
    expect(half.streams.map((x) => x.startAfterMs)).toEqual([0, 15_000, 5_000])
    expect(half.streams[1]!.learners).toBe(300)
    expect(half.streams[2]!.concurrency!.durationMs).toBeCloseTo(25_000, 6)
  })

  it('--size resizes the streams together, in proportion', () => {
    const load = shapeLoad(examDay(), { size: 'L' })
    // Within rounding: a class and a number of concurrent learners are whole.
    expect(Math.abs(load.learners - 1000)).toBeLessThan(1)
    expect(load.streams[0]!.learners / load.streams[1]!.learners).toBeCloseTo(200 / 300, 2)
  })

  it('a capacity ladder ramps the named stream and holds the others at their average', () => {
    const s = examDay()
    expect(() => shapeLoad(s, { ladder: { from: 1, to: 5, steps: 5, holdMs: 10_000 } })).toThrow(/has 2 open streams \(background, exam\); name the one to ramp with --stream/)
    expect(() => shapeLoad(s, { ladder: { from: 1, to: 5, steps: 5, holdMs: 10_000, stream: 'staff' } })).toThrow(/--stream staff: that stream uses a closed model/)
    expect(() => shapeLoad(s, { ladder: { from: 1, to: 5, steps: 5, holdMs: 10_000, stream: 'exma' } })).toThrow(/has no stream 'exma' \(its streams: background, exam, staff\)/)
    const load = shapeLoad(s, { ladder: { from: 1, to: 5, steps: 5, holdMs: 10_000, stream: 'exam' } })
    expect(load.durationMs).toBe(50_000)
    expect(load.streams[1]!.arrival!.rateAt(45_000)).toBe(5)
    expect(load.streams[0]!.arrival!.rateAt(1_000)).toBeCloseTo(2, 6)
    expect(load.streams[0]!.arrival!.durationMs).toBe(50_000)
    expect(load.streams[2]!.concurrency!.targetAt(1_000)).toBe(4)
    expect(load.streams.every((x) => x.startAfterMs === 0)).toBe(true)
  })

  it('gives learner ids unique across streams: open streams contiguous in order, closed streams after them', () => {
    const { streams, plannedPerSecond, plannedPerStream } = runLoad(examDay(), {}, { seed: 3, spacing: 'poisson' })
    const bg = streams[0]!.plan!.times.length
    expect(streams.map((s) => [s.idBase, s.idStep])).toEqual([[0, 1], [bg, 1], [bg + 300, 1]])
    // The exam's arrivals are planned from its start, 30 s into the run.
    expect(plannedPerStream[1]!.slice(0, 30).every((n) => n === 0)).toBe(true)
    expect(plannedPerStream[1]!.reduce((a, b) => a + b, 0)).toBe(300)
    expect(plannedPerStream[2]).toBeUndefined()
    expect(plannedPerSecond!.reduce((a, b) => a + b, 0)).toBe(bg + 300)
    // Each stream draws its own plan: a second stream of the same profile is not a copy of the first.
    const twins = defineScenario({ name: 't', streams: { a: { arrival: arrival.constant({ rate: 5, duration: '10s' }), journeys: j('x') }, b: { arrival: arrival.constant({ rate: 5, duration: '10s' }), journeys: j('y') } } })
    const t = runLoad(twins, {}, { seed: 3, spacing: 'poisson' })
    expect([...t.streams[0]!.plan!.times]).not.toEqual([...t.streams[1]!.plan!.times])
    // A scenario of one stream keeps the plan it had before streams.
    const single = defineScenario({ name: 's', arrival: arrival.constant({ rate: 5, duration: '10s' }), journeys: j('x') })
    expect([...runLoad(single, {}, { seed: 3, spacing: 'poisson' }).streams[0]!.plan!.times]).toEqual([...t.streams[0]!.plan!.times])
  })
})
