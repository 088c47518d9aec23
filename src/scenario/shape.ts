import { UserError } from '../core/errors.ts'
import type { ArrivalProfile } from './arrival/profile.ts'
import { concurrency as concurrencyProfiles, type ConcurrencyProfile } from './concurrency/index.ts'
import { SIZES, type SizeName } from './sizes.ts'
import { arrival } from './arrival/index.ts'
import type { Scenario, Stream } from './types.ts'

/** Command-line reshaping of a scenario's load: --duration, then --size, then --scale. */
export interface LoadShape {
  scale?: number
  size?: SizeName
  durationMs?: number
  /**
   * Replace one stream's arrivals with a staircase of steady rates (capacity ladder); the other
   * streams are held at their average level for the ladder's length. `stream` may be left out
   * when the scenario has one open stream.
   */
  ladder?: { from: number; to: number; steps: number; holdMs: number; stream?: string }
}

/** One stream's load as the run uses it. */
export interface ShapedStream {
  name: string
  arrival: ArrivalProfile | undefined
  concurrency: ConcurrencyProfile | undefined
  /** When the stream's profile starts, ms from the start of the run. */
  startAfterMs: number
  /** Learners its plan expects (open) or its peak of concurrent learners (closed). */
  learners: number
}

export interface ShapedLoad {
  streams: ShapedStream[]
  /** Learners over all streams: planned arrivals (open) plus peaks of concurrent learners (closed). */
  learners: number
  /** Until the last stream's profile ends. */
  durationMs: number
}

const learnersOf = (s: Pick<ShapedStream, 'arrival' | 'concurrency'>): number => (s.arrival ? s.arrival.expectedLearners() : s.concurrency!.maxTarget)
const endOf = (s: Pick<Stream, 'arrival' | 'concurrency' | 'startAfterMs'>): number => s.startAfterMs + (s.arrival ?? s.concurrency)!.durationMs

function shaped(streams: Array<Omit<ShapedStream, 'learners'>>): ShapedLoad {
  const out = streams.map((s) => ({ ...s, learners: learnersOf(s) }))
  return { streams: out, learners: out.reduce((t, s) => t + s.learners, 0), durationMs: Math.max(0, ...out.map(endOf)) }
}

/** The stream a capacity ladder ramps: the one named, or the scenario's only open stream. */
export function ladderStream(scenario: Scenario, name: string | undefined): Stream {
  const open = scenario.streams.filter((s) => s.model === 'open')
  if (name !== undefined) {
    const s = scenario.streams.find((x) => x.name === name)
    if (!s) throw new UserError('LMSLOAD_USAGE', `--stream: scenario '${scenario.name}' has no stream '${name}' (its streams: ${scenario.streams.map((x) => x.name).join(', ')})`)
    if (s.model !== 'open') throw new UserError('LMSLOAD_USAGE', `--stream ${name}: that stream uses a closed model; a ladder ramps arrivals (an open model, arrival.*)`)
    return s
  }
  if (open.length === 0) throw new UserError('LMSLOAD_USAGE', `capacity ladder: scenario '${scenario.name}' uses a closed model; a ladder needs an open model (arrival.*)`)
  if (open.length > 1) throw new UserError('LMSLOAD_USAGE', `capacity ladder: scenario '${scenario.name}' has ${open.length} open streams (${open.map((s) => s.name).join(', ')}); name the one to ramp with --stream`)
  return open[0]!
}

/** A held stream: its profile's average level, steady over `ms`. */
function held(s: Stream, ms: number): Omit<ShapedStream, 'learners'> {
  if (s.arrival) {
    const rate = s.arrival.durationMs > 0 ? s.arrival.expectedLearners() / (s.arrival.durationMs / 1000) : 0
    return { name: s.name, arrival: arrival.constant({ rate, duration: `${Math.round(ms)}ms` }), concurrency: undefined, startAfterMs: 0 }
  }
  const c = s.concurrency!
  let sum = 0
  for (let i = 0; i < 1000; i++) sum += c.targetAt(((i + 0.5) / 1000) * c.durationMs)
  return { name: s.name, arrival: undefined, concurrency: concurrencyProfiles.constant({ learners: Math.max(1, Math.round(sum / 1000)), duration: `${Math.round(ms)}ms` }), startAfterMs: 0 }
}

/** The profiles the run actually uses; main and every worker compute the same ones. */
export function shapeLoad(scenario: Scenario, shape: LoadShape): ShapedLoad {
  if (shape.ladder) {
    const { from, to, steps, holdMs } = shape.ladder
    const ramped = ladderStream(scenario, shape.ladder.stream)
    const a = arrival.ladder({ from, to, steps, hold: `${Math.round(holdMs)}ms` })
    return shaped(scenario.streams.map((s) => (s === ramped ? { name: s.name, arrival: a, concurrency: undefined, startAfterMs: 0 } : held(s, a.durationMs))))
  }
  // --duration compresses or stretches the whole run: every stream's start and length alike.
  const total = Math.max(0, ...scenario.streams.map(endOf))
  const f = shape.durationMs !== undefined && total > 0 ? shape.durationMs / total : 1
  let streams = scenario.streams.map((s) => {
    const profile = (s.arrival ?? s.concurrency)!
    const ms = shape.durationMs !== undefined ? profile.durationMs * f : undefined
    return {
      name: s.name,
      arrival: s.arrival && ms !== undefined ? s.arrival.withDurationMs(ms) : s.arrival,
      concurrency: s.concurrency && ms !== undefined ? s.concurrency.withDurationMs(ms) : s.concurrency,
      startAfterMs: s.startAfterMs * f,
    }
  })
  const scale = (factor: number) => {
    streams = streams.map((s) => ({ ...s, arrival: s.arrival?.scaled(factor), concurrency: s.concurrency?.scaled(factor) }))
  }
  if (shape.size !== undefined) {
    const expected = streams.reduce((t, s) => t + learnersOf(s), 0)
    if (expected <= 0) throw new UserError('LMSLOAD_USAGE', `--size: scenario '${scenario.name}' plans no learners to resize`)
    // The closed model resizes its peak, as before streams: at least one learner.
    scale(SIZES[shape.size] / (scenario.model === 'closed' ? Math.max(1, expected) : expected))
  }
  if (shape.scale !== undefined) scale(shape.scale)
  return shaped(streams)
}

/** The highest arrival rate a profile reaches (learners per second). */
export function peakRate(profile: ArrivalProfile): number {
  let peak = 0
  const steps = 2000
  for (let i = 0; i < steps; i++) peak = Math.max(peak, profile.rateAt(((i + 0.5) / steps) * profile.durationMs))
  return peak
}
