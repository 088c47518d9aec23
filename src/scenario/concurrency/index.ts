import { Fields } from '../location.ts'

/**
 * A closed-model profile (k6's ramping-vus): a target number of concurrently active learners over
 * time, each starting a new journey as soon as its previous one ends. Closed models hide queueing
 * (a slow server slows the arrivals down), so reports warn about them; use them for comparison.
 */
export interface ConcurrencyProfile {
  readonly kind: 'concurrency'
  readonly durationMs: number
  /** Target active learners at `tMs`, linear between stage targets. */
  targetAt(tMs: number): number
  readonly maxTarget: number
  /** How long learners above the target may finish their journey before being interrupted. */
  readonly gracefulRampDownMs: number
  scaled(factor: number): ConcurrencyProfile
  withDurationMs(ms: number): ConcurrencyProfile
  describe(): Record<string, unknown>
}

export interface ConcurrencyStage {
  target: number
  duration: string
}

interface StageMs {
  target: number
  ms: number
}

function make(start: number, stages: StageMs[], gracefulRampDownMs: number): ConcurrencyProfile {
  const durationMs = stages.reduce((t, s) => t + s.ms, 0)
  return {
    kind: 'concurrency',
    durationMs,
    maxTarget: Math.max(start, ...stages.map((s) => s.target)),
    gracefulRampDownMs,
    targetAt: (t) => {
      let from = start
      let at = 0
      for (const s of stages) {
        if (t < at + s.ms) return Math.round(from + ((s.target - from) * (t - at)) / s.ms)
        at += s.ms
        from = s.target
      }
      return 0
    },
    scaled: (f) => make(Math.round(start * f), stages.map((s) => ({ target: Math.round(s.target * f), ms: s.ms })), gracefulRampDownMs),
    withDurationMs: (ms) => make(start, stages.map((s) => ({ target: s.target, ms: (s.ms * ms) / durationMs })), gracefulRampDownMs),
    describe: () => ({ kind: 'concurrency', start, stages: stages.map((s) => ({ target: s.target, durationSec: s.ms / 1000 })), gracefulRampDownSec: gracefulRampDownMs / 1000 }),
  }
}

function ramp(options: { start?: number; stages: ConcurrencyStage[]; gracefulRampDown?: string }): ConcurrencyProfile {
  const f = new Fields('concurrency.ramp')
  if (typeof options !== 'object' || options === null || !Array.isArray(options.stages) || options.stages.length === 0) {
    f.fail('expected { start?, stages: [{ target, duration }, …], gracefulRampDown? }')
  }
  f.known(options, ['start', 'stages', 'gracefulRampDown'])
  return make(
    f.number('start', options.start, { integer: true, min: 0, fallback: 0 }),
    options.stages.map((s, i) => ({
      target: f.number(`stages[${i}].target`, s?.target, { integer: true, min: 0 }),
      ms: f.duration(`stages[${i}].duration`, s?.duration),
    })),
    f.duration('gracefulRampDown', options.gracefulRampDown, '30s'),
  )
}

function constant(options: { learners: number; duration: string }): ConcurrencyProfile {
  const f = new Fields('concurrency.constant')
  if (typeof options !== 'object' || options === null) f.fail('expected { learners, duration }')
  f.known(options, ['learners', 'duration'])
  const learners = f.number('learners', options.learners, { integer: true, min: 1 })
  return make(learners, [{ target: learners, ms: f.duration('duration', options.duration) }], 30_000)
}

export const concurrency = { ramp, constant }

export function isConcurrencyProfile(value: unknown): value is ConcurrencyProfile {
  return typeof value === 'object' && value !== null && (value as ConcurrencyProfile).kind === 'concurrency'
}
