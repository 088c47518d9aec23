import { UserError } from '../core/errors.ts'
import type { ArrivalProfile } from '../scenario/arrival/profile.ts'
import type { ConcurrencyProfile } from '../scenario/concurrency/index.ts'
import { SIZES, type SizeName } from '../scenario/sizes.ts'
import type { Scenario } from '../scenario/types.ts'

/** Command-line reshaping of a scenario's load: --duration, then --size, then --scale. */
export interface LoadShape {
  scale?: number
  size?: SizeName
  durationMs?: number
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
