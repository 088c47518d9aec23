import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'

export interface RampOptions {
  from: number
  to: number
  duration: string
}

function make(from: number, to: number, durationMs: number): ArrivalProfile {
  return {
    kind: 'ramp',
    durationMs,
    counting: 'poisson',
    rateAt: (t) => (t >= 0 && t < durationMs ? from + ((to - from) * t) / durationMs : 0),
    expectedLearners: () => ((from + to) / 2) * (durationMs / 1000),
    scaled: (f) => make(from * f, to * f, durationMs),
    withDurationMs: (ms) => make(from, to, ms),
    describe: () => ({ kind: 'ramp', from, to, durationSec: durationMs / 1000 }),
  }
}

/** A linear change of arrival rate, e.g. to find where latency bends. `--duration` keeps both ends. */
export function ramp(options: RampOptions): ArrivalProfile {
  const f = new Fields('arrival.ramp')
  if (typeof options !== 'object' || options === null) f.fail("expected { from, to, duration }")
  f.known(options, ['from', 'to', 'duration'])
  return make(f.number('from', options.from, { min: 0 }), f.number('to', options.to, { min: 0 }), f.duration('duration', options.duration))
}
