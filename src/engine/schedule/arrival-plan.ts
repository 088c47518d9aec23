import { Rng } from '../../core/rng.ts'
import type { ArrivalProfile } from '../../scenario/arrival/profile.ts'

/**
 * The arrival plan: every learner's arrival instant (and release, for barrier profiles), fixed
 * before the run from the profile and the seed. A pure function: same profile and seed, same plan,
 * however many workers share it.
 */
export interface ArrivalPlan {
  /** Milliseconds from the start of the run, ascending. */
  readonly times: Float64Array
  /** Release instants (ms) for profiles with a barrier; undefined otherwise. */
  readonly releases: Float64Array | undefined
  readonly durationMs: number
}

export interface PlanOptions {
  seed: number
  /** 'poisson' (default): random gaps, as independent learners arrive; 'uniform': evenly spaced. */
  spacing?: 'poisson' | 'uniform'
  /** The stream's index in the scenario: each stream draws from its own random streams (0: as before streams). */
  stream?: number
}

/** Random-stream numbers of a plan: stream 0 keeps the numbers plans had before streams. */
const planStream = (base: number, stream = 0) => base + stream * 0x100000

const CELL_MS = 10
const MAX_CELLS = 2_000_000

/** Λ(t) on a grid: the expected number of arrivals by the end of each cell. */
function cumulativeIntensity(profile: ArrivalProfile): { cells: Float64Array; cellMs: number } {
  const count = Math.min(MAX_CELLS, Math.max(1000, Math.ceil(profile.durationMs / CELL_MS)))
  const cellMs = profile.durationMs / count
  const cells = new Float64Array(count + 1)
  for (let i = 0; i < count; i++) cells[i + 1] = cells[i]! + (profile.rateAt((i + 0.5) * cellMs) * cellMs) / 1000
  return { cells, cellMs }
}

/** Inverts Λ for ascending targets: the time at which the expected count reaches each target. */
class Inverter {
  private cell = 0
  private readonly cells: Float64Array
  private readonly cellMs: number
  constructor(cells: Float64Array, cellMs: number) {
    this.cells = cells
    this.cellMs = cellMs
  }
  at(target: number): number {
    const cells = this.cells
    const last = cells.length - 2
    while (this.cell < last && cells[this.cell + 1]! < target) this.cell++
    const lo = cells[this.cell]!
    const width = cells[this.cell + 1]! - lo
    const within = width > 0 ? Math.min(1, Math.max(0, (target - lo) / width)) : 0
    return (this.cell + within) * this.cellMs
  }
}

export function arrivalPlan(profile: ArrivalProfile, options: PlanOptions): ArrivalPlan {
  const rng = new Rng(options.seed, planStream(0x5eed, options.stream))
  const { cells, cellMs } = cumulativeIntensity(profile)
  const total = cells[cells.length - 1]!
  const inverter = new Inverter(cells, cellMs)
  let targets: Float64Array
  if (profile.counting === 'exact') {
    // Exactly N learners: uniform order statistics from normalised exponential spacings, mapped
    // through Λ⁻¹ (a Poisson process conditioned on its count).
    const n = Math.round(profile.expectedLearners())
    targets = new Float64Array(n)
    if (options.spacing === 'uniform') {
      for (let k = 0; k < n; k++) targets[k] = ((k + 0.5) / n) * total
    } else {
      let sum = 0
      for (let k = 0; k < n; k++) targets[k] = sum += rng.exponential(1)
      const end = sum + rng.exponential(1)
      for (let k = 0; k < n; k++) targets[k] = (targets[k]! / end) * total
    }
  } else if (options.spacing === 'uniform') {
    const n = Math.floor(total + 0.5)
    targets = new Float64Array(n)
    for (let k = 0; k < n; k++) targets[k] = k + 0.5
  } else {
    // A unit-rate Poisson process (cumulative Exp(1) gaps) mapped through Λ⁻¹ is a
    // non-homogeneous Poisson process with intensity rate(t) (Çinlar's time-change theorem).
    const grow = (a: Float64Array) => {
      const b = new Float64Array(Math.max(16, a.length * 2))
      b.set(a)
      return b
    }
    let buffer = new Float64Array(Math.ceil(total + 6 * Math.sqrt(total) + 16))
    let n = 0
    for (let s = rng.exponential(1); s < total; s += rng.exponential(1)) {
      if (n === buffer.length) buffer = grow(buffer)
      buffer[n++] = s
    }
    targets = buffer.subarray(0, n)
  }
  const times = new Float64Array(targets.length)
  for (let k = 0; k < targets.length; k++) times[k] = inverter.at(targets[k]!)
  let releases: Float64Array | undefined
  if (profile.releaseAt) {
    const releaseRng = new Rng(options.seed, planStream(0x4e1ea5e, options.stream))
    releases = new Float64Array(times.length)
    for (let k = 0; k < times.length; k++) releases[k] = profile.releaseAt(times[k]!, releaseRng)
  }
  return { times, releases, durationMs: profile.durationMs }
}

/**
 * Planned arrivals per second of the run; a plan that starts `offsetMs` into the run is shifted by
 * it. With `part`, only the arrivals of that shard (index ≡ part.index mod part.count).
 */
export function plannedPerSecond(plan: ArrivalPlan, runDurationMs = plan.durationMs, offsetMs = 0, part = { index: 0, count: 1 }): Uint32Array {
  const seconds = new Uint32Array(Math.max(1, Math.ceil(runDurationMs / 1000)))
  const times = plan.times
  for (let k = part.index; k < times.length; k += part.count) seconds[Math.min(seconds.length - 1, Math.floor((times[k]! + offsetMs) / 1000))]!++
  return seconds
}
