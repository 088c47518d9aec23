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

export interface RunLoad {
  load: ShapedLoad
  streams: StreamRun[]
  /** Planned arrivals per second over all streams (undefined when every stream is closed). */
  plannedPerSecond: Uint32Array | undefined
  /** Per stream, planned arrivals per second (undefined for a closed stream). */
  plannedPerStream: Array<Uint32Array | undefined>
}

/** The same in the coordinator and in every worker: a pure function of scenario, shape, seed and spacing. */
export function runLoad(scenario: Scenario, shape: LoadShape, options: { seed: number; spacing: 'poisson' | 'uniform' }): RunLoad {
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
  const plannedPerStream = streams.map((s) => (s.plan ? plannedPerSecond(s.plan, load.durationMs, s.startAfterMs) : undefined))
  let total: Uint32Array | undefined
  for (const p of plannedPerStream) {
    if (!p) continue
    total ??= new Uint32Array(p.length)
    for (let i = 0; i < p.length; i++) total[i]! += p[i]!
  }
  return { load, streams, plannedPerSecond: total, plannedPerStream }
}
