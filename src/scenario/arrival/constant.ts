import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'

export interface ConstantOptions {
  /** Learners arriving per second. */
  rate: number
  duration: string
}

function make(rate: number, durationMs: number): ArrivalProfile {
  return {
    kind: 'constant',
    durationMs,
    counting: 'poisson',
    rateAt: (t) => (t >= 0 && t < durationMs ? rate : 0),
    expectedLearners: () => (rate * durationMs) / 1000,
    scaled: (f) => make(rate * f, durationMs),
    withDurationMs: (ms) => make(rate, ms),
    describe: () => ({ kind: 'constant', rate, durationSec: durationMs / 1000 }),
  }
}

/** A steady stream: the baseline of every load test. `--duration` keeps the rate. */
export function constant(options: ConstantOptions): ArrivalProfile {
  const f = new Fields('arrival.constant')
  if (typeof options !== 'object' || options === null) f.fail("expected { rate, duration }, e.g. { rate: 10, duration: '60s' }")
  f.known(options, ['rate', 'duration'])
  return make(f.number('rate', options.rate, { min: 0 }), f.duration('duration', options.duration))
}
