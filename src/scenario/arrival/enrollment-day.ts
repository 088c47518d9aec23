import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'
import { shapedProfile } from './shaped.ts'

export interface EnrollmentDayOptions {
  /** Learners who will enrol during the run. */
  learners: number
  /** When registration opens, after the start of the run (default '10s'); nobody arrives before. */
  opensAt?: string
  /** Share of learners in the thundering herd at the opening (default 0.4). */
  herd?: number
  /** The herd arrives within this window, most at its beginning (default '15s'). */
  herdWindow?: string
  /** Half-life of the arrivals after the herd (default '2m'). */
  halfLife?: string
  /** Length of the run (default '8m'). */
  duration?: string
}

interface Params {
  learners: number
  opensAtMs: number
  herd: number
  herdWindowMs: number
  halfLifeMs: number
  durationMs: number
}

/**
 * Registration opens: learners who waited (and refreshed) arrive at once in a thundering herd,
 * falling linearly over the herd window; the rest follow with an exponential decay as the news
 * spreads. `--duration` stretches every phase in proportion.
 */
function build(p: Params): ArrivalProfile {
  const k = Math.LN2 / p.halfLifeMs
  const tail = p.durationMs - p.opensAtMs
  const herdArea = p.herdWindowMs / 2
  const decayArea = (1 - Math.exp(-k * tail)) / k
  return shapedProfile<Params>({
    kind: 'enrollmentDay',
    params: p,
    learners: p.learners,
    durationMs: p.durationMs,
    shape: (t) => {
      if (t < p.opensAtMs) return 0
      const since = t - p.opensAtMs
      const herd = since < p.herdWindowMs ? (p.herd * (1 - since / p.herdWindowMs)) / herdArea : 0
      return herd + ((1 - p.herd) * Math.exp(-k * since)) / decayArea
    },
    scale: (q, f) => ({ ...q, learners: Math.max(1, Math.round(q.learners * f)) }),
    stretch: (q, f) => ({ ...q, opensAtMs: q.opensAtMs * f, herdWindowMs: q.herdWindowMs * f, halfLifeMs: q.halfLifeMs * f, durationMs: q.durationMs * f }),
    build,
    describe: () => ({
      learners: p.learners, opensAtSec: p.opensAtMs / 1000, herd: p.herd, herdWindowSec: p.herdWindowMs / 1000,
      halfLifeSec: p.halfLifeMs / 1000, durationSec: p.durationMs / 1000,
    }),
  })
}

export function enrollmentDay(options: EnrollmentDayOptions): ArrivalProfile {
  const f = new Fields('arrival.enrollmentDay')
  if (typeof options !== 'object' || options === null) f.fail('expected { learners, opensAt?, herd?, herdWindow?, halfLife?, duration? }')
  f.known(options, ['learners', 'opensAt', 'herd', 'herdWindow', 'halfLife', 'duration'])
  const p: Params = {
    learners: f.number('learners', options.learners, { integer: true, min: 1 }),
    opensAtMs: f.duration('opensAt', options.opensAt, '10s'),
    herd: f.number('herd', options.herd, { min: 0, max: 1, fallback: 0.4 }),
    herdWindowMs: f.duration('herdWindow', options.herdWindow, '15s'),
    halfLifeMs: f.duration('halfLife', options.halfLife, '2m'),
    durationMs: f.duration('duration', options.duration, '8m'),
  }
  if (p.durationMs <= p.opensAtMs) f.fail(`'duration' (${p.durationMs / 1000}s) must be longer than 'opensAt' (${p.opensAtMs / 1000}s)`)
  if (p.herdWindowMs <= 0 || p.halfLifeMs <= 0) f.fail("'herdWindow' and 'halfLife' must be longer than 0s")
  return build(p)
}
