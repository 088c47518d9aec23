import { UserError } from '../core/errors.ts'
import type { ArrivalProfile } from './arrival/profile.ts'
import type { ConcurrencyProfile } from './concurrency/index.ts'
import { SIZES, type SizeName } from './sizes.ts'
import { arrival } from './arrival/index.ts'
import type { Scenario } from './types.ts'

/** Command-line reshaping of a scenario's load: --duration, then --size, then --scale. */
export interface LoadShape {
  scale?: number
  size?: SizeName
  durationMs?: number
  /** Replace the scenario's arrivals with a staircase of steady rates (capacity ladder). */
  ladder?: { from: number; to: number; steps: number; holdMs: number }
}

export interface ShapedLoad {
  arrival: ArrivalProfile | undefined
  concurrency: ConcurrencyProfile | undefined
  /** Learners the plan expects (open) or the peak of concurrent learners (closed). */
  learners: number
  durationMs: number
}

/** The profile the run actually uses; main and every worker compute the same one. */
export function shapeLoad(scenario: Scenario, shape: LoadShape): ShapedLoad {
  if (shape.ladder) {
    if (!scenario.arrival) throw new UserError('LMSLOAD_USAGE', `capacity ladder: scenario '${scenario.name}' uses a closed model; a ladder needs an open model (arrival.*)`)
    const { from, to, steps, holdMs } = shape.ladder
    const a = arrival.ladder({ from, to, steps, hold: `${Math.round(holdMs)}ms` })
    return { arrival: a, concurrency: undefined, learners: a.expectedLearners(), durationMs: a.durationMs }
  }
  if (scenario.arrival) {
    let a = scenario.arrival
    if (shape.durationMs !== undefined) a = a.withDurationMs(shape.durationMs)
    if (shape.size !== undefined) {
      const expected = a.expectedLearners()
      if (expected <= 0) throw new UserError('LMSLOAD_USAGE', `--size: scenario '${scenario.name}' plans no learners to resize`)
      a = a.scaled(SIZES[shape.size] / expected)
    }
    if (shape.scale !== undefined) a = a.scaled(shape.scale)
    return { arrival: a, concurrency: undefined, learners: a.expectedLearners(), durationMs: a.durationMs }
  }
  let c = scenario.concurrency!
  if (shape.durationMs !== undefined) c = c.withDurationMs(shape.durationMs)
  if (shape.size !== undefined) c = c.scaled(SIZES[shape.size] / Math.max(1, c.maxTarget))
  if (shape.scale !== undefined) c = c.scaled(shape.scale)
  return { arrival: undefined, concurrency: c, learners: c.maxTarget, durationMs: c.durationMs }
}

/** The highest arrival rate a profile reaches (learners per second). */
export function peakRate(profile: ArrivalProfile): number {
  let peak = 0
  const steps = 2000
  for (let i = 0; i < steps; i++) peak = Math.max(peak, profile.rateAt(((i + 0.5) / steps) * profile.durationMs))
  return peak
}
