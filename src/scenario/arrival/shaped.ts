import type { Rng } from '../../core/rng.ts'
import type { ArrivalProfile } from './profile.ts'

/**
 * A profile for a known group of learners (a class, a cohort): exactly `learners` arrivals whose
 * times follow `shape(t)`, an unnormalised density over [0, durationMs).
 */
export interface ShapedSpec<P> {
  kind: string
  params: P
  learners: number
  durationMs: number
  shape(tMs: number): number
  releaseAt?(tMs: number, rng: Rng): number
  /** The same spec with learners × f. */
  scale(params: P, f: number): P
  /** The same spec with every time parameter × f. */
  stretch(params: P, f: number): P
  build(params: P): ArrivalProfile
  describe(): Record<string, unknown>
}

const INTEGRATION_STEPS = 20_000

export function shapedProfile<P>(spec: ShapedSpec<P>): ArrivalProfile {
  // Midpoint rule on a fine grid: the shapes are smooth or piecewise smooth.
  const dt = spec.durationMs / INTEGRATION_STEPS
  let area = 0
  for (let i = 0; i < INTEGRATION_STEPS; i++) area += spec.shape((i + 0.5) * dt) * dt
  const perMs = area > 0 ? spec.learners / area : 0
  const profile: ArrivalProfile = {
    kind: spec.kind,
    durationMs: spec.durationMs,
    counting: 'exact',
    rateAt: (t) => (t >= 0 && t < spec.durationMs ? spec.shape(t) * perMs * 1000 : 0),
    expectedLearners: () => spec.learners,
    scaled: (f) => spec.build(spec.scale(spec.params, f)),
    withDurationMs: (ms) => spec.build(spec.stretch(spec.params, ms / spec.durationMs)),
    describe: () => ({ kind: spec.kind, ...spec.describe() }),
  }
  if (spec.releaseAt) profile.releaseAt = spec.releaseAt
  return profile
}

/** A sample of an exponential truncated to [0, max], with scale `tau`: most mass near 0. */
export function truncatedExponential(rng: Rng, tau: number, max: number): number {
  const u = rng.next()
  return -tau * Math.log(1 - u * (1 - Math.exp(-max / tau)))
}
