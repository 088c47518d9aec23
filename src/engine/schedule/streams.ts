import type { Scenario } from '../../scenario/types.ts'
import { shapeLoad, type LoadShape, type ShapedLoad, type ShapedStream } from '../../scenario/shape.ts'
import { arrivalPlan, plannedPerSecond, type ArrivalPlan } from './arrival-plan.ts'

/**
 * A stream as the engine runs it: its shaped load, its seeded plan (open model) and the learner ids
 * it hands out. Ids are unique across streams and workers and do not depend on the number of
 * workers: an open stream's arrivals take a contiguous range after the earlier open streams'
 * (arrival k of stream i is learner `idBase + k`); closed streams take the ids after all plans,
 * interleaved (learner n of closed stream j is `idBase + j + n × closedStreams`).
 */
export interface StreamRun extends ShapedStream {
  index: number
  plan: ArrivalPlan | undefined
  idBase: number
  /** Distance between consecutive ids of one closed stream (the number of closed streams); 1 for open streams. */
  idStep: number
}

/**
 * One of N disjoint parts of a run (`--shard K/N`, `index` = K − 1). Shard k runs arrival j of every
 * open stream when j mod N = k, and slot s of a closed stream's target when s mod N = k: the shards
 * together are the plan of one run. Within a shard, its workers split its part the same way, so a
 * run is cut into `count × workers` lanes: lane `index + count × worker`.
 */
export interface Shard {
  index: number
  count: number
}

export const WHOLE_RUN: Shard = { index: 0, count: 1 }

/** The lane of `worker` in `shard`, and how many lanes the run has. */
export function laneOf(shard: Shard | undefined, worker: number, workers: number): { lane: number; lanes: number } {
  const s = shard ?? WHOLE_RUN
  return { lane: s.index + s.count * worker, lanes: s.count * workers }
}

/** Arrivals of a plan of `n` that fall to shard `s` (those with index ≡ s.index mod s.count). */
export function shardShare(n: number, s: Shard): number {
  return n > s.index ? Math.floor((n - s.index - 1) / s.count) + 1 : 0
}

export interface RunLoad {
  load: ShapedLoad
  /** This shard's planned learners (open streams: its arrivals; closed: its share of the target). */
  learners: number
  streams: StreamRun[]
  /** Planned arrivals per second over all streams, of this shard (undefined when every stream is closed). */
  plannedPerSecond: Uint32Array | undefined
  /** Per stream, planned arrivals per second (undefined for a closed stream). */
  plannedPerStream: Array<Uint32Array | undefined>
}

/** The same in the coordinator and in every worker: a pure function of scenario, shape, seed and spacing. */
export function runLoad(scenario: Scenario, shape: LoadShape, options: { seed: number; spacing: 'poisson' | 'uniform'; shard?: Shard | undefined }): RunLoad {
  const shard = options.shard ?? WHOLE_RUN
  const load = shapeLoad(scenario, shape)
  const closed = load.streams.filter((s) => !s.arrival).length
  let nextOpenId = 0
  const streams: StreamRun[] = load.streams.map((s, index) => {
    if (!s.arrival) return { ...s, index, plan: undefined, idBase: 0, idStep: closed }
    const plan = arrivalPlan(s.arrival, { seed: options.seed, spacing: options.spacing, stream: index })
    const run = { ...s, index, plan, idBase: nextOpenId, idStep: 1 }
    nextOpenId += plan.times.length
    return run
  })
  let j = 0
  for (const s of streams) if (!s.plan) s.idBase = nextOpenId + j++
  const plannedPerStream = streams.map((s) => (s.plan ? plannedPerSecond(s.plan, load.durationMs, s.startAfterMs, shard) : undefined))
  const learners = streams.reduce((n, s) => n + (s.plan ? shardShare(s.plan.times.length, shard) : shardShare(s.learners, shard)), 0)
  let total: Uint32Array | undefined
  for (const p of plannedPerStream) {
    if (!p) continue
    total ??= new Uint32Array(p.length)
    for (let i = 0; i < p.length; i++) total[i]! += p[i]!
  }
  return { load, learners, streams, plannedPerSecond: total, plannedPerStream }
}
