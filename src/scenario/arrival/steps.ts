import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'

export interface Stage {
  /** Learners per second during this stage. */
  rate: number
  duration: string
}

interface StageMs {
  rate: number
  ms: number
}

function make(stages: StageMs[]): ArrivalProfile {
  const durationMs = stages.reduce((t, s) => t + s.ms, 0)
  const ends: number[] = []
  let acc = 0
  for (const s of stages) ends.push((acc += s.ms))
  return {
    kind: 'steps',
    durationMs,
    counting: 'poisson',
    rateAt: (t) => {
      if (t < 0 || t >= durationMs) return 0
      for (let i = 0; i < ends.length; i++) if (t < ends[i]!) return stages[i]!.rate
      return 0
    },
    expectedLearners: () => stages.reduce((n, s) => n + (s.rate * s.ms) / 1000, 0),
    scaled: (f) => make(stages.map((s) => ({ rate: s.rate * f, ms: s.ms }))),
    // Each stage keeps its share of the whole.
    withDurationMs: (ms) => make(stages.map((s) => ({ rate: s.rate, ms: (s.ms * ms) / durationMs }))),
    describe: () => ({ kind: 'steps', stages: stages.map((s) => ({ rate: s.rate, durationSec: s.ms / 1000 })) }),
  }
}

/** Constant-rate stages one after another: a staircase for capacity runs. */
export function steps(options: { stages: Stage[] }): ArrivalProfile {
  const f = new Fields('arrival.steps')
  if (typeof options !== 'object' || options === null || !Array.isArray(options.stages) || options.stages.length === 0) {
    f.fail("expected { stages: [{ rate, duration }, …] } with at least one stage")
  }
  f.known(options, ['stages'])
  return make(options.stages.map((s, i) => ({
    rate: f.number(`stages[${i}].rate`, s?.rate, { min: 0 }),
    ms: f.duration(`stages[${i}].duration`, s?.duration),
  })))
}

export interface LadderOptions {
  from: number
  to: number
  /** Number of steps, from `from` to `to` inclusive. */
  steps: number
  /** How long each step holds its rate. */
  hold: string
}

/** An even staircase from `from` to `to` learners per second: the shape of a capacity run. */
export function ladder(options: LadderOptions): ArrivalProfile {
  const f = new Fields('arrival.ladder')
  if (typeof options !== 'object' || options === null) f.fail('expected { from, to, steps, hold }')
  f.known(options, ['from', 'to', 'steps', 'hold'])
  const from = f.number('from', options.from, { min: 0 })
  const to = f.number('to', options.to, { min: 0 })
  const count = f.number('steps', options.steps, { integer: true, min: 2, max: 1000 })
  const hold = f.duration('hold', options.hold)
  return make(Array.from({ length: count }, (_, i) => ({ rate: from + ((to - from) * i) / (count - 1), ms: hold })))
}
