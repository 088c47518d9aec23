import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'

export interface DiurnalOptions {
  /** Learners per second at the evening peak. */
  peakRate: number
  /** Learners per second in the small hours (default 5 % of the peak). */
  troughRate?: number
  /** Length of one simulated day: '24h' for a real soak, '10m' for a compressed one (default '24h'). */
  day?: string
  /** Number of days (default 1). */
  days?: number
}

interface Params {
  peakRate: number
  troughRate: number
  dayMs: number
  days: number
}

// Activity by hour of day: a morning rise, a stronger afternoon, and the evening peak around
// 20:30 that LMS usage reports (Moodle and Canvas analytics, Open edX course logs) show for
// students studying after classes and work; quietest around 04:00.
const BUMPS = [
  { hour: 10.5, width: 2.5, weight: 0.35 },
  { hour: 14.5, width: 2.5, weight: 0.55 },
  { hour: 20.5, width: 2.2, weight: 1.0 },
]

function activity(hour: number): number {
  let sum = 0
  for (const b of BUMPS) {
    // Distance on the 24-hour circle, so 23:00 and 01:00 are near.
    const d = Math.min(Math.abs(hour - b.hour), 24 - Math.abs(hour - b.hour))
    sum += b.weight * Math.exp(-(d * d) / (2 * b.width * b.width))
  }
  return sum
}

const HOURS = Array.from({ length: 24 * 60 }, (_, m) => activity(m / 60))
const MIN_ACTIVITY = Math.min(...HOURS)
const MAX_ACTIVITY = Math.max(...HOURS)

function build(p: Params): ArrivalProfile {
  const durationMs = p.dayMs * p.days
  const rateAt = (t: number) => {
    if (t < 0 || t >= durationMs) return 0
    const hour = ((t % p.dayMs) / p.dayMs) * 24
    const x = (activity(hour) - MIN_ACTIVITY) / (MAX_ACTIVITY - MIN_ACTIVITY)
    return p.troughRate + (p.peakRate - p.troughRate) * x
  }
  return {
    kind: 'diurnal',
    durationMs,
    counting: 'poisson',
    rateAt,
    expectedLearners: () => {
      let sum = 0
      const steps = 24 * 60 * p.days
      for (let i = 0; i < steps; i++) sum += rateAt(((i + 0.5) / steps) * durationMs)
      return (sum * durationMs) / steps / 1000
    },
    scaled: (f) => build({ ...p, peakRate: p.peakRate * f, troughRate: p.troughRate * f }),
    // The days keep their count and shape; each lasts its share of the new duration.
    withDurationMs: (ms) => build({ ...p, dayMs: ms / p.days }),
    describe: () => ({ kind: 'diurnal', peakRate: p.peakRate, troughRate: p.troughRate, daySec: p.dayMs / 1000, days: p.days }),
  }
}

/** A daily cycle for soaks: quiet nights, a working day, an evening peak. Run starts at midnight. */
export function diurnal(options: DiurnalOptions): ArrivalProfile {
  const f = new Fields('arrival.diurnal')
  if (typeof options !== 'object' || options === null) f.fail('expected { peakRate, troughRate?, day?, days? }')
  f.known(options, ['peakRate', 'troughRate', 'day', 'days'])
  const peakRate = f.number('peakRate', options.peakRate, { above: 0 })
  const p: Params = {
    peakRate,
    troughRate: f.number('troughRate', options.troughRate, { min: 0, max: peakRate, fallback: peakRate * 0.05 }),
    dayMs: f.duration('day', options.day, '24h'),
    days: f.number('days', options.days, { integer: true, min: 1, max: 365, fallback: 1 }),
  }
  if (p.dayMs < 60_000) f.fail(`'day' must be at least '1m', got '${options.day}'`)
  return build(p)
}
