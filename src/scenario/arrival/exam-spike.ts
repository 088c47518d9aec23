import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'
import { shapedProfile, truncatedExponential } from './shaped.ts'

export interface ExamSpikeOptions {
  /** Learners sitting the exam. */
  learners: number
  /** Time before the exam opens during which learners sign in and wait (default '30s'). */
  leadIn?: string
  /** Window after the opening in which waiting learners press "start attempt" (default '20s'). */
  jitter?: string
  /** Share of learners who arrive late and start at once (default 0.05). */
  stragglers?: number
  /** Window after the opening over which stragglers turn up, fewer as time passes (default '60s'). */
  stragglerWindow?: string
  /** How long the run goes on after the straggler window, with the exam under way (default '60s'). */
  after?: string
}

interface Params {
  learners: number
  leadInMs: number
  jitterMs: number
  stragglers: number
  stragglerWindowMs: number
  afterMs: number
}

/**
 * An exam's start. Learners sign in during the lead-in (more of them as the opening nears) and
 * wait at the barrier; at the opening they are released onto "start attempt" within the jitter
 * window, most in its first seconds (truncated exponential, τ = jitter/4). Stragglers arrive after
 * the opening, fewer as time passes, and start at once. This is how Moodle's exam load tests hold
 * users at a synchronising timer and release them together; after the start, journeys spend
 * 30–90 s per page and autosave every 60 s.
 *
 * Arrivals (`rateAt`) are the sign-ins; `l.waitForRelease()` waits for the learner's release.
 * `--duration` stretches every phase in proportion.
 */
function build(p: Params): ArrivalProfile {
  const open = p.leadInMs
  const onTime = 1 - p.stragglers
  const lateTau = p.stragglerWindowMs / 3
  const jitterTau = p.jitterMs / 4
  const duration = open + Math.max(p.jitterMs, p.stragglerWindowMs) + p.afterMs
  // Unnormalised densities: a rising ramp of sign-ins before the opening, decaying stragglers after.
  const leadInArea = open / 2
  const lateArea = lateTau * (1 - Math.exp(-p.stragglerWindowMs / lateTau))
  return shapedProfile<Params>({
    kind: 'examSpike',
    params: p,
    learners: p.learners,
    durationMs: duration,
    shape: (t) => {
      if (t < open) return open > 0 ? (onTime * (t / open)) / leadInArea : 0
      if (t < open + p.stragglerWindowMs) return p.stragglers > 0 ? (p.stragglers * Math.exp(-(t - open) / lateTau)) / lateArea : 0
      return 0
    },
    releaseAt: (t, rng) => (t < open ? open + truncatedExponential(rng, jitterTau, p.jitterMs) : t),
    scale: (q, f) => ({ ...q, learners: Math.max(1, Math.round(q.learners * f)) }),
    stretch: (q, f) => ({ ...q, leadInMs: q.leadInMs * f, jitterMs: q.jitterMs * f, stragglerWindowMs: q.stragglerWindowMs * f, afterMs: q.afterMs * f }),
    build,
    describe: () => ({
      learners: p.learners, leadInSec: p.leadInMs / 1000, jitterSec: p.jitterMs / 1000, stragglers: p.stragglers,
      stragglerWindowSec: p.stragglerWindowMs / 1000, afterSec: p.afterMs / 1000, opensAtSec: open / 1000,
    }),
  })
}

export function examSpike(options: ExamSpikeOptions): ArrivalProfile {
  const f = new Fields('arrival.examSpike')
  if (typeof options !== 'object' || options === null) f.fail('expected { learners, leadIn?, jitter?, stragglers?, stragglerWindow?, after? }')
  f.known(options, ['learners', 'leadIn', 'jitter', 'stragglers', 'stragglerWindow', 'after'])
  const p: Params = {
    learners: f.number('learners', options.learners, { integer: true, min: 1 }),
    leadInMs: f.duration('leadIn', options.leadIn, '30s'),
    jitterMs: f.duration('jitter', options.jitter, '20s'),
    stragglers: f.number('stragglers', options.stragglers, { min: 0, max: 1, fallback: 0.05 }),
    stragglerWindowMs: f.duration('stragglerWindow', options.stragglerWindow, '60s'),
    afterMs: f.duration('after', options.after, '60s'),
  }
  if (p.leadInMs <= 0 && p.stragglers < 1) f.fail("'leadIn' must be longer than 0s so on-time learners can sign in before the opening")
  if (p.jitterMs <= 0) f.fail("'jitter' must be longer than 0s")
  if (p.stragglers > 0 && p.stragglerWindowMs <= 0) f.fail("'stragglerWindow' must be longer than 0s when there are stragglers")
  return build(p)
}
