import type { Rng } from '../../core/rng.ts'

/**
 * An open-model arrival profile: learners arriving per second over time. Arrivals are drawn as a
 * seeded non-homogeneous Poisson process with intensity `rateAt(t)` (engine/schedule), or, for
 * profiles about a known group (a class sitting an exam), exactly `learners` arrivals whose
 * times follow the same shape.
 */
export interface ArrivalProfile {
  readonly kind: string
  readonly durationMs: number
  /** 'poisson': the count is random with mean ∫rate; 'exact': exactly expectedLearners() arrivals. */
  readonly counting: 'poisson' | 'exact'
  /** Intensity in learners per second at `tMs` after the start. */
  rateAt(tMs: number): number
  expectedLearners(): number
  /**
   * When a learner who arrived at `tMs` is released from a barrier (an exam's start), for
   * journeys that call `l.waitForRelease()`. Profiles without a barrier release on arrival.
   */
  releaseAt?(tMs: number, rng: Rng): number
  /** Learner counts (rates or group sizes) multiplied by `factor` (--scale, --size). */
  scaled(factor: number): ArrivalProfile
  /** The same traffic model over another length of time (--duration); see each profile. */
  withDurationMs(ms: number): ArrivalProfile
  /** Parameters for run.json and reports, in plain units. */
  describe(): Record<string, unknown>
}

