import type { Rng } from '../core/rng.ts'
import { Fields } from './location.ts'

/**
 * Think time: how long a learner pauses between actions. Durations are strings ('20s');
 * distributions are built with `think.*`. Values never go below zero.
 */
export interface ThinkDistribution {
  readonly kind: 'constant' | 'uniform' | 'normal' | 'lognormal' | 'exponential'
  /** A sample in milliseconds. */
  sample(rng: Rng): number
  readonly meanMs: number
}

export type ThinkTime = string | ThinkDistribution

function constant(duration: string): ThinkDistribution {
  const ms = new Fields('think.constant').duration('duration', duration)
  return { kind: 'constant', meanMs: ms, sample: () => ms }
}

function uniform(min: string, max: string): ThinkDistribution {
  const f = new Fields('think.uniform')
  const lo = f.duration('min', min)
  const hi = f.duration('max', max)
  if (hi < lo) f.fail(`'max' (${max}) must not be below 'min' (${min})`)
  return { kind: 'uniform', meanMs: (lo + hi) / 2, sample: (rng) => rng.uniform(lo, hi) }
}

function normal(options: { mean: string; stddev: string }): ThinkDistribution {
  const f = new Fields('think.normal')
  const mean = f.duration('mean', options?.mean)
  const sd = f.duration('stddev', options?.stddev)
  return { kind: 'normal', meanMs: mean, sample: (rng) => Math.max(0, mean + sd * rng.normal()) }
}

/** Log-normal by its median and shape σ: right-skewed like real reading and answering times. */
function lognormal(options: { median: string; sigma?: number }): ThinkDistribution {
  const f = new Fields('think.lognormal')
  const median = f.duration('median', options?.median)
  const sigma = f.number('sigma', options?.sigma, { fallback: 0.5, min: 0, max: 4 })
  const mu = Math.log(median)
  return { kind: 'lognormal', meanMs: Math.exp(mu + (sigma * sigma) / 2), sample: (rng) => Math.exp(mu + sigma * rng.normal()) }
}

function exponential(options: { mean: string }): ThinkDistribution {
  const mean = new Fields('think.exponential').duration('mean', options?.mean)
  return { kind: 'exponential', meanMs: mean, sample: (rng) => rng.exponential(mean) }
}

export const think = { constant, uniform, normal, lognormal, exponential }

const parsedStrings = new Map<string, ThinkDistribution>()

/** A think time as given by a journey: a duration string or a distribution. */
export function toThinkDistribution(value: ThinkTime): ThinkDistribution {
  if (typeof value !== 'string') {
    if (value && typeof value.sample === 'function') return value
    return new Fields('think').fail(`expected a duration like '20s' or a think.* distribution, got ${JSON.stringify(value)}`)
  }
  let d = parsedStrings.get(value)
  if (!d) {
    d = constant(value)
    parsedStrings.set(value, d)
  }
  return d
}
