import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'
import { shapedProfile } from './shaped.ts'

export interface DeadlineRushOptions {
  /** Learners who submit during the run. */
  learners: number
  /** When the deadline falls, after the start of the run (default '4m'). */
  deadline?: string
  /** Time constant of the build-up: submissions grow e-fold every `buildUp` (default '60s'). */
  buildUp?: string
  /** Share who submit steadily long before the deadline (default 0.1). */
  early?: number
  /** Share who submit after the deadline, tailing off (default 0.03). */
  late?: number
  /** How long the run goes on after the deadline (default '30s'). */
  after?: string
}

interface Params {
  learners: number
  deadlineMs: number
  buildUpMs: number
  early: number
  late: number
  afterMs: number
}

/**
 * An assignment deadline: a few learners submit early and steadily; most leave it to the end, so
 * submissions grow exponentially toward the deadline and fall off a cliff when it passes, with
 * a short tail of late submissions. `--duration` stretches every phase in proportion.
 */
function build(p: Params): ArrivalProfile {
  const rush = 1 - p.early - p.late
  const rushArea = p.buildUpMs * (1 - Math.exp(-p.deadlineMs / p.buildUpMs))
  const lateTau = Math.max(1, p.afterMs / 3)
  const lateArea = lateTau * (1 - Math.exp(-p.afterMs / lateTau))
  return shapedProfile<Params>({
    kind: 'deadlineRush',
    params: p,
    learners: p.learners,
    durationMs: p.deadlineMs + p.afterMs,
    shape: (t) => {
      if (t < p.deadlineMs) return p.early / p.deadlineMs + (rush * Math.exp((t - p.deadlineMs) / p.buildUpMs)) / rushArea
      return p.late > 0 && p.afterMs > 0 ? (p.late * Math.exp(-(t - p.deadlineMs) / lateTau)) / lateArea : 0
    },
    scale: (q, f) => ({ ...q, learners: Math.max(1, Math.round(q.learners * f)) }),
    stretch: (q, f) => ({ ...q, deadlineMs: q.deadlineMs * f, buildUpMs: q.buildUpMs * f, afterMs: q.afterMs * f }),
    build,
    describe: () => ({
      learners: p.learners, deadlineSec: p.deadlineMs / 1000, buildUpSec: p.buildUpMs / 1000, early: p.early, late: p.late,
      afterSec: p.afterMs / 1000,
    }),
  })
}

export function deadlineRush(options: DeadlineRushOptions): ArrivalProfile {
  const f = new Fields('arrival.deadlineRush')
  if (typeof options !== 'object' || options === null) f.fail('expected { learners, deadline?, buildUp?, early?, late?, after? }')
  f.known(options, ['learners', 'deadline', 'buildUp', 'early', 'late', 'after'])
  const p: Params = {
    learners: f.number('learners', options.learners, { integer: true, min: 1 }),
    deadlineMs: f.duration('deadline', options.deadline, '4m'),
    buildUpMs: f.duration('buildUp', options.buildUp, '60s'),
    early: f.number('early', options.early, { min: 0, max: 1, fallback: 0.1 }),
    late: f.number('late', options.late, { min: 0, max: 1, fallback: 0.03 }),
    afterMs: f.duration('after', options.after, '30s'),
  }
  if (p.early + p.late > 1) f.fail(`'early' + 'late' must not exceed 1, got ${p.early + p.late}`)
  if (p.deadlineMs <= 0 || p.buildUpMs <= 0) f.fail("'deadline' and 'buildUp' must be longer than 0s")
  return build(p)
}
